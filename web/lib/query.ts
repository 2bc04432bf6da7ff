/** POST /api/query: every panel of a page in one request. */
import { postJson } from "./api.js";
import type { QueryResponse } from "./types.js";

export interface QueryRequestItem {
  readonly id: string;
  readonly target: string;
}

export function runQuery(from: number, to: number, maxDataPoints: number, queries: readonly QueryRequestItem[], signal?: AbortSignal): Promise<QueryResponse> {
  return postJson<QueryResponse>("/api/query", { from, to, maxDataPoints: Math.max(10, Math.round(maxDataPoints)), queries }, signal);
}
