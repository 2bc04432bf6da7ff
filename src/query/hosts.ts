/**
 * Every host Loupe knows (the hosts page, `GET /api/hosts`): its own (the collectors' Diamond paths),
 * Diamond-path senders, collectd senders and series tagged `host=` (src/query/host-paths.ts reads
 * names), each with when it was last seen (its newest point), its interval, up or silent, and a few
 * vital figures.
 *
 * Cost: two passes over the store's `latest()` — the last point of every series, held in memory by
 * the store (no chunk is read) — and one bounded raw read per listed host (its newest series over
 * `INTERVAL_WINDOW`) to estimate its interval. The store has no cheaper "last point of these series"
 * read, so a store with a million series costs two walks of a million in-memory entries per request.
 *
 * A host is silent when no point arrived for more than `silentIntervals` × its interval (the median
 * spacing of its newest series' last points, or the collectors' interval when it has too few).
 */
import type { UnixMs } from "../model/index.js";
import type { RawPoint, SeriesInfo } from "../store/api.js";
import { collectdRoot, diamondHost, taggedHost, VitalsAccumulator, type HostSource, type HostVitals } from "./host-paths.js";

export type { HostSource, HostVitals } from "./host-paths.js";
export { collectdRoot, diamondHost } from "./host-paths.js";

/** What listing hosts reads from the store. */
export interface HostsStore {
  latest(): Iterable<{ readonly series: SeriesInfo; readonly ts: UnixMs; readonly value: number }>;
  readRaw(id: number, from: UnixMs, to: UnixMs): RawPoint[];
  /** A store whose points live elsewhere fetches the raw reads a report makes (src/store/api.ts PrefetchingReads). */
  prefetch?(evaluate: () => unknown): Promise<void>;
}

export interface HostsOptions {
  /** `[collectors] path_prefix`: Diamond paths are `<prefix>.<host>.…`. */
  readonly pathPrefix: string;
  /** The collectors' host name (Loupe's own host); "" when unknown. */
  readonly ownHost: string;
  /** `[collectors] interval`: the interval of a host whose points are too few to measure one. */
  readonly defaultIntervalMs: number;
  /** `[hosts] silent_intervals`: silent after this many intervals without a point. */
  readonly silentIntervals: number;
  /** `[hosts] max_hosts`: hosts listed at most (by name). */
  readonly maxHosts: number;
  readonly now: UnixMs;
}

export interface HostRow {
  readonly name: string;
  /** Where the host was found; "local" is Loupe's own collectors. */
  readonly sources: readonly HostSource[];
  readonly series: number;
  /** Time of the host's newest point. */
  readonly lastSeen: UnixMs;
  readonly intervalMs: number;
  /** "points": measured from its newest series; "collectors": too few points, [collectors] interval used. */
  readonly intervalFrom: "points" | "collectors";
  readonly status: "up" | "silent";
  /** When silent: since when (its last point). */
  readonly silentSince: UnixMs | null;
  readonly vitals: HostVitals;
  /** Its Host overview (Diamond paths), else an Explore view of its series. */
  readonly link: string;
  readonly overview: boolean;
}

export interface HostsReport {
  readonly now: UnixMs;
  readonly hosts: readonly HostRow[];
  /** Hosts found (before the max_hosts cut). */
  readonly known: number;
  readonly truncated: boolean;
  readonly maxHosts: number;
  readonly silentIntervals: number;
  /** How long computing this report took (the page waits longer between refreshes when it is costly). */
  readonly elapsedMs: number;
}

/**
 * How far back from a host's newest point its interval is measured (and from at most this many
 * points); a second, wider look (`sparseMs`) only for a series with fewer than two points in the first.
 */
export const INTERVAL_WINDOW = { minMs: 10 * 60_000, intervals: 20, points: 11, sparseMs: 24 * 3_600_000 } as const;

interface HostGroup {
  readonly name: string;
  readonly sources: Set<HostSource>;
  series: number;
  lastSeen: UnixMs;
  newestId: number;
  readonly vitals: VitalsAccumulator;
  /** collectd root (`collectd.web1`), for its Explore link. */
  collectdRoot?: string;
}

export function listHosts(store: HostsStore, o: HostsOptions): HostsReport {
  const started = performance.now();
  const groups = new Map<string, HostGroup>();
  const group = (name: string, source: HostSource): HostGroup => {
    let g = groups.get(name);
    if (g === undefined) {
      g = { name, sources: new Set(), series: 0, lastSeen: -Infinity, newestId: -1, vitals: new VitalsAccumulator() };
      groups.set(name, g);
    }
    g.sources.add(source);
    return g;
  };
  const roots = gatherPrefixedAndTagged(store, o, group);
  if (roots.size > 0) gatherCollectd(store, o.pathPrefix, roots, group);
  const all = [...groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const kept = all.slice(0, Math.max(0, o.maxHosts));
  const hosts = kept.map((g) => hostRow(store, g, o));
  return {
    now: o.now,
    hosts,
    known: all.length,
    truncated: all.length > kept.length,
    maxHosts: o.maxHosts,
    silentIntervals: o.silentIntervals,
    elapsedMs: Math.round((performance.now() - started) * 10) / 10,
  };
}

function note(g: HostGroup, id: number, ts: UnixMs): void {
  g.series++;
  if (ts > g.lastSeen) {
    g.lastSeen = ts;
    g.newestId = id;
  }
}

/** Pass 1: tagged series and Diamond paths; returns the collectd roots (root → host) seen. */
function gatherPrefixedAndTagged(store: HostsStore, o: HostsOptions, group: (name: string, source: HostSource) => HostGroup): Map<string, string> {
  const roots = new Map<string, string>();
  for (const { series: s, ts, value } of store.latest()) {
    const tagged = taggedHost(s.tags);
    if (tagged !== undefined) {
      const g = group(tagged, "tagged");
      note(g, s.id, ts);
      g.vitals.noteTagged(s.name, s.tags, value);
      continue;
    }
    const host = diamondHost(s.name, o.pathPrefix);
    if (host !== undefined) {
      const g = group(host, host === o.ownHost ? "local" : "diamond");
      note(g, s.id, ts);
      g.vitals.noteDiamond(s.name, o.pathPrefix.length + host.length + 2, value);
      continue;
    }
    const c = collectdRoot(s.name);
    if (c !== undefined) roots.set(c.root, c.host);
  }
  return roots;
}

/** Pass 2: every untagged series under a collectd root (not only the ones whose shape revealed it). */
function gatherCollectd(store: HostsStore, prefix: string, roots: ReadonlyMap<string, string>, group: (name: string, source: HostSource) => HostGroup): void {
  for (const { series: s, ts, value } of store.latest()) {
    if (taggedHost(s.tags) !== undefined || diamondHost(s.name, prefix) !== undefined) continue;
    const root = rootOf(s.name, roots);
    if (root === undefined) continue;
    const g = group(roots.get(root)!, "collectd");
    g.collectdRoot ??= root;
    note(g, s.id, ts);
    g.vitals.noteCollectd(s.name.slice(root.length + 1), value);
  }
}

/** The longest collectd root that `name` lies under. */
function rootOf(name: string, roots: ReadonlyMap<string, string>): string | undefined {
  for (let dot = name.lastIndexOf("."); dot > 0; dot = name.lastIndexOf(".", dot - 1)) {
    const candidate = name.slice(0, dot);
    if (roots.has(candidate)) return candidate;
  }
  return undefined;
}

function hostRow(store: HostsStore, g: HostGroup, o: HostsOptions): HostRow {
  const measured = estimateInterval(store, g.newestId, g.lastSeen, o.defaultIntervalMs);
  const intervalMs = measured ?? o.defaultIntervalMs;
  const silent = o.now - g.lastSeen > o.silentIntervals * intervalMs;
  const overview = g.sources.has("local") || g.sources.has("diamond");
  return {
    name: g.name,
    sources: (["local", "diamond", "collectd", "tagged"] as const).filter((s) => g.sources.has(s)),
    series: g.series,
    lastSeen: g.lastSeen,
    intervalMs,
    intervalFrom: measured === undefined ? "collectors" : "points",
    status: silent ? "silent" : "up",
    silentSince: silent ? g.lastSeen : null,
    vitals: g.vitals.result(),
    link: overview ? `/d/host-overview?var-host=${encodeURIComponent(g.name)}` : `/explore?target=${encodeURIComponent(exploreTarget(g))}`,
    overview,
  };
}

function exploreTarget(g: HostGroup): string {
  if (g.collectdRoot !== undefined && !g.sources.has("tagged")) return `${g.collectdRoot}.*.*`;
  return `seriesByTag('host=${g.name.replace(/['\\]/g, "")}')`;
}

/**
 * The median spacing of the last points of series `id` (up to INTERVAL_WINDOW.points, within
 * max(10 min, 20 collector intervals) before its newest point, else within a day for a sparse
 * series); undefined with fewer than two.
 */
export function estimateInterval(store: Pick<HostsStore, "readRaw">, id: number, newest: UnixMs, defaultIntervalMs: number): number | undefined {
  if (id < 0 || !Number.isFinite(newest)) return undefined;
  const window = Math.max(INTERVAL_WINDOW.minMs, INTERVAL_WINDOW.intervals * defaultIntervalMs);
  let points = store.readRaw(id, newest - window, newest + 1);
  if (points.length < 2 && window < INTERVAL_WINDOW.sparseMs) points = store.readRaw(id, newest - INTERVAL_WINDOW.sparseMs, newest + 1);
  points = points.slice(-INTERVAL_WINDOW.points);
  const gaps: number[] = [];
  for (let i = 1; i < points.length; i++) {
    const d = points[i]!.ts - points[i - 1]!.ts;
    if (d > 0) gaps.push(d);
  }
  if (gaps.length === 0) return undefined;
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)]!;
}
