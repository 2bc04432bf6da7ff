// The one deterministic dataset fed to carbon (for the goldens) and to Loupe (at test time).
// Fixed in time: the oracle's clock is frozen at NOW (libfaketime), so relative times (-1h) and
// whisper's archive choice are reproducible. Values have at most 3 decimals, so carbon's and Loupe's
// float parsing agree exactly.
import { createHash } from "node:crypto";

/** 2026-11-20 00:00:00 UTC, in seconds: the frozen "now" of graphite-web and Loupe. */
export const NOW = 1_795_132_800;
/** FAKETIME value for libfaketime (absolute date without "@" = frozen clock). */
export const FAKETIME_FROZEN = "2026-11-20 00:00:00";
/** carbon needs a moving clock (its reactor); it starts at NOW and advances. */
export const FAKETIME_FROM_NOW = "@2026-11-20 00:00:00";
export const STEP = 10;
const DAY = 86_400;

export interface SeriesSpec {
  /** Graphite path, tagged ones as `name;k=v;k=v` (tags sorted, as carbon normalizes them). */
  readonly path: string;
  /** How far back from NOW the series starts, seconds. */
  readonly span: number;
  /** Value of the i-th 10 s slot (t = its timestamp), or null for no point. */
  readonly value: (i: number, t: number) => number | null;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;
/** Deterministic noise in [0, 1) from an integer (no Math.random). */
function noise(i: number, salt: number): number {
  let h = (i * 2654435761 + salt * 40503) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 2246822507) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 3266489909) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/**
 * Older than 15 days (beyond the 10 s archive) a long series is constant within each 10-minute slot,
 * so whisper's 1-minute archive (which keeps one written sample per slot there, not an average) and
 * an average agree: the comparison then measures consolidation and tier choice, not carbon's write path.
 */
function load(salt: number, base: number) {
  return (_i: number, t: number): number => {
    const old = t < NOW - 15 * DAY;
    const k = old ? Math.floor(t / 600) : Math.floor(t / STEP);
    return r3(base + 1.5 * Math.sin((k * (old ? 60 : 1) * 2 * Math.PI) / 8640) + noise(k, salt));
  };
}

function counter(salt: number, resetAt: number) {
  const cache = new Map<number, number>();
  return (i: number): number => {
    const cached = cache.get(i);
    if (cached !== undefined) return cached;
    let v = 0;
    const from = i > 0 && cache.has(i - 1) ? i - 1 : -1;
    if (from >= 0) v = cache.get(from)!;
    for (let j = from + 1; j <= i; j++) v = j === resetAt ? 3 : v + 1 + Math.floor(noise(j, salt) * 20);
    cache.set(i, v);
    return v;
  };
}

const DEFAULT_SPAN = 3 * DAY;

export const SERIES: readonly SeriesSpec[] = [
  { path: "oracle.web1.load.01", span: 32 * DAY, value: load(1, 2) },
  { path: "oracle.web2.load.01", span: 32 * DAY, value: load(2, 3) },
  { path: "oracle.web1.load.05", span: DEFAULT_SPAN, value: load(3, 1.5) },
  { path: "oracle.web2.load.05", span: DEFAULT_SPAN, value: load(4, 2.5) },
  { path: "oracle.web1.requests.count", span: DEFAULT_SPAN, value: counter(5, 20_000) },
  { path: "oracle.web2.requests.count", span: DEFAULT_SPAN, value: counter(6, 25_000) },
  ...["web1", "web2"].flatMap((host, h) => [
    { path: `oracle.${host}.cpu.user`, span: DEFAULT_SPAN, value: (i: number) => r3(20 + 10 * Math.sin(i / (97 + h)) + noise(i, 7 + h)) },
    { path: `oracle.${host}.cpu.system`, span: DEFAULT_SPAN, value: (i: number) => r3(5 + ((i + h) % 13) / 2) },
    {
      path: `oracle.${host}.cpu.idle`,
      span: DEFAULT_SPAN,
      value: (i: number) => r3(100 - (20 + 10 * Math.sin(i / (97 + h)) + noise(i, 7 + h)) - (5 + ((i + h) % 13) / 2)),
    },
  ]),
  // Gaps: two of every five slots missing, and a whole hour missing 5 h before NOW.
  {
    path: "oracle.gaps.sparse",
    span: DEFAULT_SPAN,
    value: (i, t) => (i % 5 === 1 || i % 5 === 2 || (t >= NOW - 5 * 3600 && t < NOW - 4 * 3600) ? null : r3(10 + noise(i, 9) * 10)),
  },
  // Halves (positive and negative) for round(), integers otherwise.
  { path: "oracle.halves.value", span: DEFAULT_SPAN, value: (i) => (i % 11) - 5 + (i % 2 === 0 ? 0.5 : 0) },
  // Sparse events: a count every 37th slot.
  { path: "oracle.events.hits", span: DEFAULT_SPAN, value: (i) => (i % 37 === 0 ? 1 + (i % 4) : null) },
  // A value that is zero most of the time (divisions, asPercent by zero, nonNegativeDerivative of flat).
  { path: "oracle.flat.zero", span: DEFAULT_SPAN, value: (i) => (i % 360 < 300 ? 0 : 4) },
  // Tagged series (carbon's tagdb, `;tag=value` paths; tags sorted by name as carbon stores them).
  { path: "disk.used;dc=east;host=web1", span: DEFAULT_SPAN, value: load(11, 50) },
  { path: "disk.used;dc=west;host=web2", span: DEFAULT_SPAN, value: load(12, 70) },
  { path: "net.rx;dc=east;host=web1", span: DEFAULT_SPAN, value: counter(13, 30_000) },
  { path: "net.rx;dc=west;host=web2;role=db", span: DEFAULT_SPAN, value: counter(14, -1) },
];

/** Every dataset line (`path value timestamp\n`), series by series, oldest first. Last point at NOW - STEP. */
export function* datasetLines(): Generator<string> {
  for (const s of SERIES) {
    const first = NOW - s.span;
    for (let t = first, i = 0; t < NOW; t += STEP, i++) {
      const v = s.value(i, t);
      if (v !== null) yield `${s.path} ${v} ${t}\n`;
    }
  }
}

/** Number of points in the dataset (lines). */
export function datasetSize(): number {
  let n = 0;
  for (const _ of datasetLines()) n++;
  return n;
}

/** sha256 over the dataset text; part of the goldens' freshness hash. */
export function datasetHash(): string {
  const h = createHash("sha256");
  for (const line of datasetLines()) h.update(line);
  return h.digest("hex");
}

export interface OracleEvent {
  readonly when: number;
  readonly what: string;
  readonly tags: readonly string[];
  readonly data: string;
}

/** Events (graphite-web's events db; Loupe's annotations), for events(). */
export const EVENTS: readonly OracleEvent[] = [
  { when: NOW - 2 * 3600 - 1234, what: "deploy web1", tags: ["deploy", "web1"], data: "v1.2" },
  { when: NOW - 2 * 3600 - 600, what: "restart", tags: ["restart"], data: "" },
  { when: NOW - 2.5 * 3600, what: "deploy web2", tags: ["deploy", "web2"], data: "v1.3" },
  { when: NOW - 4 * 3600 + 5, what: "deploy web1 again", tags: ["deploy", "web1"], data: "v1.4" },
];

/** Timestamp of a series' last point (its newest non-null slot). */
export function lastPointTime(s: SeriesSpec): number {
  const first = NOW - s.span;
  for (let t = NOW - STEP; t >= first; t -= STEP) if (s.value((t - first) / STEP, t) !== null) return t;
  return first;
}
