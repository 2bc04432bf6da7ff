/**
 * The engine's Prometheus-compatible read API over HTTP (VictoriaMetrics single node, or vmselect's
 * `/select/<tenant>/prometheus`): export, query_range, query, series, delete_series. Every request
 * is a POST form (long selectors), carries the configured auth headers and timeout, and counts the
 * bytes that crossed the wire.
 */
import { LoupeError } from "../../lib/errors.js";
import { apiSeconds } from "./promql.js";

export interface ClientOptions {
  /** API root: `http://vm:8428` or `http://vmselect:8481/select/0/prometheus` (`/api/v1/…` is added). */
  readonly readUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

export interface ExportedSeries {
  readonly metric: Record<string, string>;
  readonly values: ReadonlyArray<number | null>;
  readonly timestamps: readonly number[];
}

export interface MatrixSeries {
  readonly metric: Record<string, string>;
  readonly values: ReadonlyArray<readonly [number, string]>;
}

export interface VectorSample {
  readonly metric: Record<string, string>;
  readonly value: readonly [number, string];
}

export interface ClientStats {
  requests: number;
  failures: number;
  bytesIn: number;
  bytesOut: number;
}

export class RemoteReadError extends LoupeError {
  constructor(message: string, cause?: unknown) {
    super("remote_read", message, { status: 502, cause });
  }
}

export class EngineClient {
  readonly stats: ClientStats = { requests: 0, failures: 0, bytesIn: 0, bytesOut: 0 };
  private readonly root: string;

  constructor(private readonly o: ClientOptions) {
    this.root = o.readUrl.replace(/\/+$/, "");
  }

  /** POSTs a form to `/api/v1/<path>`; the body text of a 2xx answer. */
  async call(path: string, form: ReadonlyArray<readonly [string, string]>): Promise<string> {
    const body = new URLSearchParams(form.map(([k, v]): [string, string] => [k, v])).toString();
    const url = `${this.root}/api/v1/${path}`;
    this.stats.requests++;
    this.stats.bytesOut += body.length;
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, { method: "POST", body, headers: { ...this.o.headers, "content-type": "application/x-www-form-urlencoded" }, signal: AbortSignal.timeout(this.o.timeoutMs) });
      const buf = Buffer.from(await res.arrayBuffer());
      this.stats.bytesIn += buf.length;
      text = buf.toString("utf8");
    } catch (err) {
      this.stats.failures++;
      const why = err instanceof Error && err.name === "TimeoutError" ? `no answer within [store] timeout (${this.o.timeoutMs} ms)` : err instanceof Error ? err.message : String(err);
      throw new RemoteReadError(`[store] read_url ${this.root}: /api/v1/${path} failed: ${why}`, err);
    }
    if (!res.ok) {
      this.stats.failures++;
      throw new RemoteReadError(`[store] read_url ${this.root}: /api/v1/${path} answered HTTP ${res.status}: ${text.slice(0, 300)}`);
    }
    return text;
  }

  private async data<T>(path: string, form: ReadonlyArray<readonly [string, string]>): Promise<T> {
    const text = await this.call(path, form);
    let json: { status?: string; data?: unknown; error?: string };
    try {
      json = JSON.parse(text) as typeof json;
    } catch (err) {
      throw new RemoteReadError(`[store] read_url: /api/v1/${path} answered something other than JSON: ${text.slice(0, 200)}`, err);
    }
    if (json.status !== "success") throw new RemoteReadError(`[store] read_url: /api/v1/${path}: ${json.error ?? "status is not success"}`);
    return json.data as T;
  }

  /** Raw points of the series matching `selector` in [from, to] (ms, both ends included). */
  async export(selector: string, from: number, to: number): Promise<ExportedSeries[]> {
    const text = await this.call("export", [["match[]", selector], ["start", apiSeconds(from)], ["end", apiSeconds(to)]]);
    const out: ExportedSeries[] = [];
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      try {
        out.push(JSON.parse(line) as ExportedSeries);
      } catch (err) {
        throw new RemoteReadError(`[store] read_url: /api/v1/export answered a line that is not JSON: ${line.slice(0, 200)}`, err);
      }
    }
    return out;
  }

  /** A range query evaluated at start, start + step, … ≤ end (ms), without the engine's alignment and cache. */
  async queryRange(query: string, start: number, end: number, step: number): Promise<MatrixSeries[]> {
    const d = await this.data<{ result: MatrixSeries[] }>("query_range", [["query", query], ["start", apiSeconds(start)], ["end", apiSeconds(end)], ["step", `${Math.round(step)}ms`], ["nocache", "1"]]);
    return d.result;
  }

  async query(query: string, time: number): Promise<VectorSample[]> {
    const d = await this.data<{ result: VectorSample[] }>("query", [["query", query], ["time", apiSeconds(time)], ["nocache", "1"]]);
    return d.result;
  }

  /** Label sets of the series with points in [from, to], at most `limit`. */
  async series(selector: string, from: number, to: number, limit: number): Promise<Array<Record<string, string>>> {
    return this.data<Array<Record<string, string>>>("series", [["match[]", selector], ["start", apiSeconds(from)], ["end", apiSeconds(to)], ["limit", String(limit)]]);
  }

  async deleteSeries(selector: string): Promise<void> {
    await this.call("admin/tsdb/delete_series", [["match[]", selector]]);
  }
}
