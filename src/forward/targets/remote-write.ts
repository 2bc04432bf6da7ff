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
import { encodeLabels, encodeWriteRequestEncoded, type EncodedSeries } from "../../lib/remote-write/encode.js";
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

interface Group {
  readonly labels: Uint8Array;
  timestamps: number[];
  values: number[];
}

export function createRemoteWriteTarget(options: RemoteWriteOptions): Target {
  const url = new URL(options.url);
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`remote_write url ${options.url}: http:// or https:// expected`);
  const secure = url.protocol === "https:";
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, maxSockets: 4, rejectUnauthorized: !options.tls.insecureSkipVerify, ...(options.tls.caFile !== undefined ? { ca: readFileSync(options.tls.caFile) } : {}) })
    : new HttpAgent({ keepAlive: true, maxSockets: 4 });
  const namer = new PromNamer(options);
  const labelCache = new Map<string, Uint8Array>();
  const labelsOf = (s: Sample): { key: string; labels: Uint8Array } => {
    const key = s.tags === undefined ? s.name : seriesKey(s.name, s.tags);
    let labels = labelCache.get(key);
    if (labels === undefined) {
      if (labelCache.size >= LABEL_CACHE_MAX) labelCache.clear();
      labels = encodeLabels(namer.labels(s.name, s.tags));
      labelCache.set(key, labels);
    }
    return { key, labels };
  };
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
      const body = compress(encodeWriteRequestEncoded(groupBySeries(batch, labelsOf)));
      await post(url, secure, agent, headers, body, AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]));
    },
    close(): Promise<void> {
      agent.destroy();
      return Promise.resolve();
    },
  };
}

/** The batch as one entry per series, its samples in time order. */
function groupBySeries(batch: readonly Sample[], labelsOf: (s: Sample) => { key: string; labels: Uint8Array }): EncodedSeries[] {
  const groups = new Map<string, Group>();
  for (const s of batch) {
    const { key, labels } = labelsOf(s);
    let g = groups.get(key);
    if (g === undefined) {
      g = { labels, timestamps: [], values: [] };
      groups.set(key, g);
    }
    g.timestamps.push(s.ts);
    g.values.push(s.value);
  }
  const out: EncodedSeries[] = [];
  for (const g of groups.values()) {
    if (!isSorted(g.timestamps)) sortTogether(g);
    out.push(g);
  }
  return out;
}

function isSorted(ts: readonly number[]): boolean {
  for (let i = 1; i < ts.length; i++) if (ts[i]! < ts[i - 1]!) return false;
  return true;
}

function sortTogether(g: Group): void {
  const order = g.timestamps.map((_, i) => i).sort((a, b) => g.timestamps[a]! - g.timestamps[b]!);
  g.timestamps = order.map((i) => g.timestamps[i]!);
  g.values = order.map((i) => g.values[i]!);
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
