// The request list, replaying one request against a server, and normalizing its answer so that
// graphite-web's and Loupe's can be compared (compare.ts) and stored as goldens.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "test", "fixtures", "graphite-oracle");

export interface OracleRequest {
  readonly id: string;
  readonly class: string;
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly params: readonly (readonly [string, string])[];
}

export type Point = [number | null, number];
export interface Series {
  target: string;
  datapoints: Point[];
}

/** A normalized answer: status, and the body in a comparable shape (null for errors). */
export type Answer =
  | { status: number; kind: "series"; body: Series[] }
  | { status: number; kind: "json"; body: unknown }
  | { status: number; kind: "none"; body: null };

export function loadRequests(): OracleRequest[] {
  return JSON.parse(readFileSync(join(FIXTURES, "requests.json"), "utf8")) as OracleRequest[];
}

/** Sends one request. `extra` params are appended (graphite-web gets `now`, the dataset's frozen clock). */
export async function replay(baseUrl: string, req: OracleRequest, extra: readonly (readonly [string, string])[] = []): Promise<{ status: number; text: string }> {
  const body = new URLSearchParams([...req.params, ...extra].map(([k, v]): [string, string] => [k, v]));
  const url = `${baseUrl}${req.path}`;
  const res =
    req.method === "POST"
      ? await fetch(url, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } })
      : await fetch(`${url}?${body.toString()}`);
  return { status: res.status, text: await res.text() };
}

/** JSON.parse that also accepts Python's bare NaN / Infinity (graphite-web can emit them). */
function parseLooseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return JSON.parse(text.replace(/(?<=[[,:]\s*)(-?Infinity|NaN)(?=\s*[\],}])/g, '"$1"'));
  }
}

function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return v;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  if (v === "NaN") return NaN;
  return Number(v);
}

function parseJsonSeries(text: string): Series[] {
  const data = parseLooseJson(text);
  if (!Array.isArray(data)) throw new Error("render json: not an array");
  return data.map((s: { target?: unknown; datapoints?: unknown }) => ({
    target: String(s.target),
    datapoints: (Array.isArray(s.datapoints) ? s.datapoints : []).map((p: unknown[]): Point => [num(p[0]), Number(p[1])]),
  }));
}

/** csv: `name,YYYY-MM-DD HH:MM:SS,value` per line (UTC), empty value for null. */
function parseCsvSeries(text: string): Series[] {
  const out: Series[] = [];
  const byName = new Map<string, Series>();
  for (const line of text.split(/\r?\n/)) {
    if (line === "") continue;
    const m = /^(.*),(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}),([^,]*)$/.exec(line);
    if (!m) throw new Error(`csv: bad line ${JSON.stringify(line)}`);
    const name = m[1]!.replace(/^"|"$/g, "");
    let s = byName.get(name);
    if (!s) byName.set(name, (s = { target: name, datapoints: [] })), out.push(s);
    const t = Date.parse(`${m[2]!.replace(" ", "T")}Z`) / 1000;
    s.datapoints.push([m[3] === "" ? null : Number(m[3]), t]);
  }
  return out;
}

/** raw: `name,start,end,step|v,v,...` per series, `None` for null. */
function parseRawSeries(text: string): Series[] {
  return text
    .split(/\r?\n/)
    .filter((l) => l !== "")
    .map((line) => {
      const bar = line.lastIndexOf("|");
      const head = line.slice(0, bar).split(",");
      const step = Number(head.pop());
      head.pop();
      const start = Number(head.pop());
      const values = line.slice(bar + 1).split(",");
      return {
        target: head.join(","),
        datapoints: values.map((v, i): Point => [v === "None" || v === "" ? null : Number(v), start + step * i]),
      };
    });
}

function sortBy<T>(xs: T[], key: (x: T) => string): T[] {
  return [...xs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Drops database ids (graphite's tag db) and sorts what has no meaningful order. */
function normalizeJson(path: string, data: unknown): unknown {
  if (path === "/metrics/find" && Array.isArray(data)) {
    return sortBy(
      data.map((n: Record<string, unknown>) => ({ id: n["id"], text: n["text"], leaf: Number(n["leaf"]), expandable: Number(n["expandable"]) })),
      (n) => String(n.id),
    );
  }
  if (path === "/tags" && Array.isArray(data)) return data.map((t: Record<string, unknown>) => ({ tag: t["tag"] }));
  if (path.startsWith("/tags/") && !path.startsWith("/tags/findSeries") && !path.startsWith("/tags/autoComplete") && data !== null && typeof data === "object") {
    const d = data as { tag?: unknown; values?: { value?: unknown; count?: unknown }[] };
    return { tag: d.tag, values: (d.values ?? []).map((v) => ({ value: v.value, count: v.count })) };
  }
  return data;
}

/** Normalizes one answer; a body that cannot be parsed becomes kind "json" with the text, so it still compares. */
export function normalize(req: OracleRequest, status: number, text: string): Answer {
  if (status >= 400) return { status, kind: "none", body: null };
  const format = req.params.find(([k]) => k === "format")?.[1] ?? (req.path === "/render" ? "png" : "json");
  try {
    if (req.path === "/render") {
      if (format === "csv") return { status, kind: "series", body: parseCsvSeries(text) };
      if (format === "raw") return { status, kind: "series", body: parseRawSeries(text) };
      return { status, kind: "series", body: parseJsonSeries(text) };
    }
    return { status, kind: "json", body: normalizeJson(req.path, parseLooseJson(text)) };
  } catch (e) {
    return { status, kind: "json", body: { unparsable: (e as Error).message, text: text.slice(0, 500) } };
  }
}
