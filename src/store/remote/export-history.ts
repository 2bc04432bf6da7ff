/**
 * Moving a local store's history into a remote engine (`loupe export --remote-write URL`): every
 * series in key order, its raw points in time order, in batches of remote_write requests with the
 * names kept exactly (lib/prom-names.ts, metric_names = graphite: what the victoriametrics backend
 * reads). After each acknowledged batch the position (series key, last timestamp) is written to a
 * state file, so a run that was stopped resumes after the last acknowledged point and a finished
 * run sends nothing again. A batch sent but not acknowledged before a kill is sent again on resume
 * (at most one batch twice; VictoriaMetrics drops the copies with -dedup.minScrapeInterval=1ms).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { PromNamer } from "../../lib/prom-names.js";
import { encodeWriteRequest } from "../../lib/remote-write/encode.js";
import { compress } from "../../lib/remote-write/snappy.js";
import type { RwSeries } from "../../lib/remote-write/types.js";
import type { TimeSeriesStore } from "../api.js";

export interface ExportState {
  readonly url: string;
  /** Key of the series being exported (all keys before it are done). */
  readonly key: string | null;
  /** Timestamp of the last point of `key` the engine acknowledged. */
  readonly after: number | null;
  readonly points: number;
  readonly done: boolean;
}

export interface ExportProgress {
  readonly series: number;
  readonly seriesTotal: number;
  readonly points: number;
}

export interface ExportOptions {
  readonly store: TimeSeriesStore;
  readonly url: string;
  readonly statePath: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly batchPoints?: number;
  readonly timeoutMs?: number;
  readonly retries?: number;
  readonly onProgress?: (p: ExportProgress) => void;
}

export interface ExportResult {
  readonly sentPoints: number;
  readonly totalPoints: number;
  readonly series: number;
  readonly alreadyDone: boolean;
}

export function readExportState(path: string, url: string): ExportState {
  const fresh: ExportState = { url, key: null, after: null, points: 0, done: false };
  if (!existsSync(path)) return fresh;
  const s = JSON.parse(readFileSync(path, "utf8")) as ExportState;
  if (s.url !== url) throw new Error(`state file ${path} belongs to an export to ${s.url}, not ${url}: give another --state or delete it`);
  return s;
}

function writeState(path: string, s: ExportState): void {
  writeFileSync(`${path}.tmp`, `${JSON.stringify(s)}\n`);
  renameSync(`${path}.tmp`, path);
}

async function post(url: string, body: Buffer, headers: Readonly<Record<string, string>>, timeoutMs: number, retries: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(url, {
        method: "POST",
        body,
        headers: { ...headers, "Content-Encoding": "snappy", "Content-Type": "application/x-protobuf", "X-Prometheus-Remote-Write-Version": "0.1.0" },
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      if (res.ok) return;
      if (res.status < 500 && res.status !== 429) throw Object.assign(new Error(`${url} refused the batch: HTTP ${res.status} ${text.slice(0, 200)}`), { final: true });
      throw new Error(`${url}: HTTP ${res.status} ${text.slice(0, 200)}`);
    } catch (err) {
      if ((err as { final?: boolean }).final === true || attempt >= retries) throw err;
      await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** attempt)));
    }
  }
}

/** Exports the store's history from where the state file says; returns what was sent. */
export async function exportHistory(o: ExportOptions): Promise<ExportResult> {
  const state0 = readExportState(o.statePath, o.url);
  const keys = allSeries(o.store);
  if (state0.done) return { sentPoints: 0, totalPoints: state0.points, series: keys.length, alreadyDone: true };
  const namer = new PromNamer({ metricNames: "graphite", pathPrefix: "", templates: [], separator: "." });
  const batchPoints = o.batchPoints ?? 10_000;
  let state = state0;
  let sent = 0;
  let pending: RwSeries[] = [];
  let pendingPoints = 0;
  let pendingEnd: { key: string; after: number } | undefined;
  const flush = async (): Promise<void> => {
    if (pending.length === 0 || pendingEnd === undefined) return;
    await post(o.url, compress(encodeWriteRequest(pending)), o.headers ?? {}, o.timeoutMs ?? 30_000, o.retries ?? 5);
    sent += pendingPoints;
    state = { ...state, key: pendingEnd.key, after: pendingEnd.after, points: state.points + pendingPoints };
    writeState(o.statePath, state);
    pending = [];
    pendingPoints = 0;
  };
  const startAt = state.key === null ? 0 : keys.findIndex((s) => s.key >= state.key!);
  for (let i = Math.max(0, startAt); i < keys.length; i++) {
    const s = keys[i]!;
    const from = state.key === s.key && state.after !== null ? state.after + 1 : 0;
    const points = o.store.readRaw(s.id, from, Number.MAX_SAFE_INTEGER);
    const labels = namer.labels(s.name, Object.keys(s.tags).length > 0 ? s.tags : undefined);
    for (let j = 0; j < points.length; ) {
      const n = Math.min(points.length - j, batchPoints - pendingPoints);
      const part = points.slice(j, j + n);
      pending.push({ labels, timestamps: part.map((p) => p.ts), values: part.map((p) => p.value) });
      pendingPoints += n;
      j += n;
      pendingEnd = { key: s.key, after: part[part.length - 1]!.ts };
      if (pendingPoints >= batchPoints) await flush();
    }
    o.onProgress?.({ series: i + 1, seriesTotal: keys.length, points: state.points + pendingPoints });
  }
  await flush();
  state = { ...state, done: true };
  writeState(o.statePath, state);
  return { sentPoints: sent, totalPoints: state.points, series: keys.length, alreadyDone: false };
}

/** Every series of the store (plain and tagged), sorted by key. */
function allSeries(store: TimeSeriesStore): Array<{ id: number; key: string; name: string; tags: Readonly<Record<string, string>> }> {
  const out = store.matchSeries([{ key: "name", op: "=~", value: ".*" }]);
  return [...out].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
