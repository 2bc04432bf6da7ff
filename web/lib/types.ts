/** Shapes shared by the browser code: the dashboard model (from the server's zod schema) and API results. */
export type { Dashboard, Panel, Variable } from "../../src/dashboards/model.js";

export interface QuerySeries {
  readonly target: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly values: ReadonlyArray<number | null>;
}

/** One entry of POST /api/query's `results`. */
export interface QueryResult {
  readonly id: string;
  readonly step: number;
  readonly timestamps: readonly number[];
  readonly series: readonly QuerySeries[];
  readonly error?: string | { readonly code: string; readonly message: string };
}

/** The text of a query result's error. */
export function errorText(e: QueryResult["error"]): string {
  if (e === undefined) return "";
  return typeof e === "string" ? e : `${e.message} (${e.code})`;
}

export interface QueryResponse {
  readonly from: number;
  readonly to: number;
  readonly results: readonly QueryResult[];
}

export interface Annotation {
  readonly id: number;
  readonly time: number;
  readonly timeEnd: number;
  readonly text: string;
  readonly tags: readonly string[];
  readonly dashboardUid: string | null;
}

export interface FindNode {
  readonly text: string;
  readonly id: string;
  readonly leaf: boolean | number;
  readonly expandable: boolean | number;
}
