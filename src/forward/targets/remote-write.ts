/**
 * `[forward.<name>] type = remote_write`: Prometheus remote_write 1.0 (protobuf WriteRequest, snappy
 * block, `X-Prometheus-Remote-Write-Version: 0.1.0`) to VictoriaMetrics, Prometheus, Mimir, Thanos….
 * A batch becomes one request: samples grouped by series (in time order), names and labels from
 * lib/prom-names.ts, each series' labels encoded once and cached. 2xx: delivered; 5xx, 429, network
 * errors and timeouts: retryable; any other status: the peer refused the data (not retried).
 */
import { readFileSync } from "node:fs";
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { encodeLabels, encodeWriteRequestColumns } from "../../lib/remote-write/encode.js";
import { compress } from "../../lib/remote-write/snappy.js";
import { PromNamer } from "../../lib/prom-names.js";
import { VERSION } from "../../lib/package-info.js";
import { seriesKey, type Sample } from "../../model/index.js";
import { DeliveryError, type Target } from "../target.js";

export interface RemoteWriteOptions {
  readonly url: string;
  /** Auth headers already built by the forwarder (Authorization: Basic/Bearer, custom ones). */
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly tls: { readonly caFile?: string; readonly insecureSkipVerify: boolean };
  readonly metricNames: "prometheus" | "graphite";
  /** `[collectors] path_prefix` (Diamond paths: `<prefix>.<host>.<metric…>`). */
  readonly pathPrefix: string;
  /** Graphite templates (default: `[ingest.graphite] templates`). */
  readonly templates: readonly string[];
  readonly separator: string;
}

/** Series whose encoded labels are kept between batches; past it the cache starts over. */
const LABEL_CACHE_MAX = 200_000;

/** A series the target has met: its encoded labels, and where its samples go in the batch being built. */
interface Known {
  readonly labels: Uint8Array;
  /** The batch number this entry's count and offsets belong to. */
  batch: number;
  count: number;
  fill: number;
}

export function createRemoteWriteTarget(options: RemoteWriteOptions): Target {
  const url = new URL(options.url);
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`remote_write url ${options.url}: http:// or https:// expected`);
  const secure = url.protocol === "https:";
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, maxSockets: 4, rejectUnauthorized: !options.tls.insecureSkipVerify, ...(options.tls.caFile !== undefined ? { ca: readFileSync(options.tls.caFile) } : {}) })
    : new HttpAgent({ keepAlive: true, maxSockets: 4 });
  const namer = new PromNamer(options);
  const known = new Map<string, Known>();
  // ingest hands out one frozen tags object per tag set: tagged series are found by it and their name
  // (as the store does), without building the sorted key for every sample
  let byTags = new WeakMap<object, Map<string, Known>>();
  const knownOf = (s: Sample): Known => {
    const tags = s.tags;
    const frozen = tags !== undefined && Object.isFrozen(tags);
    if (frozen) {
      const hit = byTags.get(tags)?.get(s.name);
      if (hit !== undefined) return hit;
    }
    const key = tags === undefined ? s.name : seriesKey(s.name, tags);
    let k = known.get(key);
    if (k === undefined) {
      if (known.size >= LABEL_CACHE_MAX) {
        known.clear();
        byTags = new WeakMap();
      }
      k = { labels: encodeLabels(namer.labels(s.name, tags)), batch: -1, count: 0, fill: 0 };
      known.set(key, k);
    }
    if (frozen) {
      let m = byTags.get(tags);
      if (m === undefined) byTags.set(tags, (m = new Map()));
      m.set(s.name, k);
    }
    return k;
  };
  const columns = new BatchColumns(knownOf);
  const headers = {
    ...options.headers,
    "Content-Encoding": "snappy",
    "Content-Type": "application/x-protobuf",
    "X-Prometheus-Remote-Write-Version": "0.1.0",
    "User-Agent": `loupe/${VERSION}`,
  };

  return {
    type: "remote_write",
    async send(batch: readonly Sample[], signal: AbortSignal): Promise<void> {
      if (batch.length === 0) return;
      const body = compress(columns.encode(batch));
      await post(url, secure, agent, headers, body, AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]));
    },
    close(): Promise<void> {
      agent.destroy();
      return Promise.resolve();
    },
  };
}

/**
 * Builds one WriteRequest from a batch: samples grouped by series (in time order within each), as
 * columns reused from batch to batch (two passes over the batch, no object per sample or series).
 */
class BatchColumns {
  private batchNo = 0;
  private ts = new Float64Array(1024);
  private vs = new Float64Array(1024);
  private entries: Known[] = [];

  constructor(private readonly knownOf: (s: Sample) => Known) {}

  encode(batch: readonly Sample[]): Buffer {
    const n = batch.length;
    const no = ++this.batchNo;
    if (this.entries.length < n) this.entries = new Array<Known>(n);
    const entries = this.entries;
    const order: Known[] = [];
    for (let i = 0; i < n; i++) {
      const k = this.knownOf(batch[i]!);
      if (k.batch !== no) {
        k.batch = no;
        k.count = 0;
        order.push(k);
      }
      k.count++;
      entries[i] = k;
    }
    const start = new Float64Array(order.length + 1);
    let at = 0;
    for (let i = 0; i < order.length; i++) {
      const k = order[i]!;
      start[i] = at;
      k.fill = at;
      at += k.count;
    }
    start[order.length] = at;
    if (this.ts.length < n) {
      this.ts = new Float64Array(n);
      this.vs = new Float64Array(n);
    }
    const { ts, vs } = this;
    for (let i = 0; i < n; i++) {
      const k = entries[i]!;
      const s = batch[i]!;
      ts[k.fill] = s.ts;
      vs[k.fill++] = s.value;
    }
    for (let i = 0; i < order.length; i++) if (order[i]!.count > 1) sortRange(ts, vs, start[i]!, start[i + 1]!);
    return encodeWriteRequestColumns(order.map((k) => k.labels), start, ts, vs);
  }
}

/** Sorts [a, b) of ts (and vs with it) by time, when not in order already. */
function sortRange(ts: Float64Array, vs: Float64Array, a: number, b: number): void {
  let sorted = true;
  for (let i = a + 1; i < b && sorted; i++) if (ts[i]! < ts[i - 1]!) sorted = false;
  if (sorted) return;
  const idx = Array.from({ length: b - a }, (_, i) => a + i).sort((x, y) => ts[x]! - ts[y]! || x - y);
  const t = idx.map((i) => ts[i]!);
  const v = idx.map((i) => vs[i]!);
  ts.set(t, a);
  vs.set(v, a);
}

function post(url: URL, secure: boolean, agent: HttpAgent, headers: Record<string, string>, body: Buffer, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const where = `${url.origin}${url.pathname}`;
    if (signal.aborted) return reject(new DeliveryError(`remote_write to ${where}: ${abortReason(signal)}`, true));
    const req = (secure ? httpsRequest : httpRequest)(url, { method: "POST", agent, headers: { ...headers, "Content-Length": String(body.length) }, signal }, (res) => {
      void answer(res, where).then(resolve, reject);
    });
    req.on("error", (err) => {
      const why = signal.aborted ? abortReason(signal) : err.message;
      reject(new DeliveryError(`remote_write to ${where}: ${why}`, true, { cause: err }));
    });
    req.end(body);
  });
}

async function answer(res: IncomingMessage, where: string): Promise<void> {
  const status = res.statusCode ?? 0;
  let text = "";
  for await (const chunk of res as AsyncIterable<Buffer>) if (text.length < 512) text += chunk.toString("utf8");
  if (status >= 200 && status < 300) return;
  const detail = text.trim().slice(0, 300);
  const retryable = status >= 500 || status === 429 || status === 408;
  throw new DeliveryError(`remote_write to ${where}: HTTP ${status}${detail !== "" ? `: ${detail}` : ""}`, retryable);
}

function abortReason(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return r instanceof Error && r.name === "TimeoutError" ? "timed out" : "aborted";
}
