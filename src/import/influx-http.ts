/**
 * `loupe import influx --url URL --db DB …`: InfluxDB 1.x over its HTTP /query API. Per
 * measurement (filtered by --measurement), from its first point (or --from) to --until (or now),
 * in time windows (--window, 1d) read oldest first with `SELECT * … GROUP BY *` as chunked JSON,
 * so memory holds one window's points at most (and a window's points are written every `batch`
 * points). A measurement's window is the unit of resume (`m@start`).
 */
import { errorMessage, LoupeError } from "../lib/errors.js";
import { seriesKey, type Tags } from "../model/index.js";
import { limitReached, type ImportRun } from "./run.js";
import { SeriesBuffer } from "./series-buffer.js";

export interface InfluxHttpOptions {
  readonly url: string;
  readonly db: string;
  readonly rp: string | undefined;
  readonly from: number | undefined;
  readonly until: number | undefined;
  readonly measurement: RegExp | undefined;
  readonly windowMs: number;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly batch: number;
}

interface InfluxSeries {
  readonly name: string;
  readonly tags?: Record<string, string>;
  readonly columns: string[];
  readonly values: unknown[][];
}

interface InfluxResult {
  readonly results?: Array<{ readonly series?: InfluxSeries[]; readonly error?: string }>;
  readonly error?: string;
}

/** InfluxQL identifier quoting. */
export const quoteIdent = (s: string): string => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

class InfluxClient {
  constructor(private readonly o: InfluxHttpOptions) {}

  /** Runs a query; calls `onResult` for each chunk of the chunked answer. */
  async query(q: string, onResult: (r: InfluxResult) => Promise<void> | void): Promise<void> {
    const body = new URLSearchParams({ q, db: this.o.db, epoch: "ms", chunked: "true", chunk_size: "10000" });
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
    if (this.o.username !== undefined) headers["authorization"] = `Basic ${Buffer.from(`${this.o.username}:${this.o.password ?? ""}`).toString("base64")}`;
    const url = new URL("query", this.o.url.endsWith("/") ? this.o.url : `${this.o.url}/`).href;
    let res: Response;
    try {
      res = await fetch(url, { method: "POST", body, headers, signal: AbortSignal.timeout(300_000) });
    } catch (err) {
      throw new LoupeError("import_influx", `cannot reach InfluxDB at ${url}: ${errorMessage(err)}`, { cause: err });
    }
    if (!res.ok || res.body === null) throw new LoupeError("import_influx", `InfluxDB ${url} answered HTTP ${res.status} to ${q}: ${(await res.text()).slice(0, 300)}`);
    // chunked answers are JSON documents one per line
    const decoder = new TextDecoder();
    let pending = "";
    const take = async (line: string): Promise<void> => {
      if (line.trim() === "") return;
      const r = JSON.parse(line) as InfluxResult;
      const err = r.error ?? r.results?.find((x) => x.error !== undefined)?.error;
      if (err !== undefined) throw new LoupeError("import_influx", `InfluxDB refused ${q}: ${err}`);
      await onResult(r);
    };
    for await (const chunk of res.body) {
      pending += decoder.decode(chunk as Uint8Array, { stream: true });
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        await take(line);
      }
    }
    await take(pending);
  }

  async column(q: string): Promise<unknown[]> {
    const out: unknown[] = [];
    await this.query(q, (r) => {
      for (const s of r.results?.[0]?.series ?? []) for (const v of s.values) out.push(v[0]);
    });
    return out;
  }
}

/** One series of an answer into the buffer: each numeric (or boolean) field `f` → series `m.f` with the non-empty tags. */
function takeSeries(run: ImportRun, s: InfluxSeries, buffer: SeriesBuffer): void {
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.tags ?? {})) if (v !== "") tags[k] = v;
  const t: Tags | undefined = Object.keys(tags).length > 0 ? tags : undefined;
  const keys = s.columns.map((c) => seriesKey(`${s.name}.${c}`, t));
  for (const row of s.values) {
    const ts = row[0];
    if (typeof ts !== "number") continue;
    for (let i = 1; i < row.length; i++) {
      const v = row[i];
      if (v === null || v === undefined) continue;
      if (typeof v === "number") buffer.add(keys[i]!, ts, v);
      else if (typeof v === "boolean") buffer.add(keys[i]!, ts, v ? 1 : 0);
      else run.counts.skipped++; // a string field: Loupe stores numbers only
    }
  }
}

export async function importInfluxHttp(run: ImportRun, o: InfluxHttpOptions): Promise<void> {
  const client = new InfluxClient(o);
  const from = (m: string): string => `${o.rp !== undefined ? `${quoteIdent(o.rp)}.` : ""}${quoteIdent(m)}`;
  const measurements = (await client.column("SHOW MEASUREMENTS")).filter((m): m is string => typeof m === "string" && (o.measurement === undefined || o.measurement.test(m)));
  const until = o.until ?? run.now;
  const plan: Array<{ m: string; start: number }> = [];
  for (const m of measurements) {
    let first = o.from;
    if (first === undefined) {
      const t = await client.column(`SELECT * FROM ${from(m)} ORDER BY time ASC LIMIT 1`);
      if (typeof t[0] !== "number") continue;
      first = t[0];
    }
    const aligned = Math.floor(first / o.windowMs) * o.windowMs;
    for (let s = aligned; s < until; s += o.windowMs) plan.push({ m, start: s });
  }
  run.counts.total = plan.length;
  const buffer = new SeriesBuffer();
  const seen = new Set<string>();
  let doneNow = 0;
  for (const w of plan) {
    const unit = `${w.m}@${w.start}`;
    if (run.state.isDone(unit)) {
      run.counts.done++;
      continue;
    }
    if (limitReached(run, doneNow)) return;
    const lo = Math.max(w.start, o.from ?? -Infinity);
    const hi = Math.min(w.start + o.windowMs, until);
    await client.query(`SELECT * FROM ${from(w.m)} WHERE time >= ${lo}ms AND time < ${hi}ms GROUP BY *`, async (r) => {
      for (const s of r.results?.[0]?.series ?? []) takeSeries(run, s, buffer);
      if (buffer.points >= o.batch) await buffer.flush(run, seen);
    });
    await buffer.flush(run, seen);
    run.state.markDone(unit);
    run.counts.done++;
    doneNow++;
    run.progress.update(run.counts, w.m);
  }
}
