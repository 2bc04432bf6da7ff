// Goldens (graphite-web's normalized answers) and the agreement baseline, stored beside the request
// list; the freshness hash ties them to the dataset, the events, carbon's schemas and the requests.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EVENTS, datasetHash } from "./dataset.js";
import { STORAGE_AGGREGATION, STORAGE_SCHEMAS } from "./graphite.js";
import { FIXTURES, type Answer } from "./requests.js";

export interface Goldens {
  readonly meta: { hash: string; recordedAt: string; graphiteWeb: string; carbon: string; requests: number };
  readonly answers: Record<string, Answer>;
}

export interface Baseline {
  /** Requests on which Loupe agrees with graphite-web; the test asserts at least this many. */
  readonly agreed: number;
  readonly total: number;
  readonly percent: number;
  readonly measuredAt: string;
}

export const GOLDENS_FILE = join(FIXTURES, "goldens.json");
export const BASELINE_FILE = join(FIXTURES, "baseline.json");

/** What the goldens depend on: dataset, events, whisper schemas and the request list. */
export function freshnessHash(): string {
  const h = createHash("sha256");
  h.update(datasetHash());
  h.update(JSON.stringify(EVENTS));
  h.update(STORAGE_SCHEMAS + STORAGE_AGGREGATION);
  h.update(readFileSync(join(FIXTURES, "requests.json")));
  return h.digest("hex");
}

/** JSON has no NaN/Infinity: they are stored as strings and restored on reading. */
const encode = (_k: string, v: unknown): unknown => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v);
function restore(a: Answer): Answer {
  if (a.kind !== "series") return a;
  for (const s of a.body) for (const p of s.datapoints) if (typeof p[0] === "string") p[0] = Number(p[0]);
  return a;
}

export function writeGoldens(g: Goldens): void {
  const lines = Object.entries(g.answers).map(([id, a]) => `  ${JSON.stringify(id)}: ${JSON.stringify(a, encode)}`);
  writeFileSync(GOLDENS_FILE, `{"meta": ${JSON.stringify(g.meta)},\n "answers": {\n${lines.join(",\n")}\n}}\n`);
}

export function readGoldens(): Goldens {
  const g = JSON.parse(readFileSync(GOLDENS_FILE, "utf8")) as Goldens;
  for (const a of Object.values(g.answers)) restore(a);
  return g;
}

export function readBaseline(): Baseline {
  return JSON.parse(readFileSync(BASELINE_FILE, "utf8")) as Baseline;
}

export function writeBaseline(b: Baseline): void {
  writeFileSync(BASELINE_FILE, JSON.stringify(b, null, 2) + "\n");
}
