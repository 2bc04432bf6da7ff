/**
 * `type = influx`: line protocol over HTTP. InfluxDB 1.x (and VictoriaMetrics): POST
 * /write?db=&rp=&precision=ms with u/p; InfluxDB 2.x: /api/v2/write?org=&bucket=&precision=ms with
 * `Authorization: Token`. Mapping: an untagged path → measurement = path, field `value` (InfluxDB's
 * Graphite-input default); tags → tags.
 */
import type { Sample } from "../../model/index.js";
import type { Target } from "../target.js";
import { createHttpPoster, type TlsOptions } from "./http-post.js";

export interface InfluxOptions {
  readonly url: string;
  readonly database: string;
  readonly retentionPolicy: string;
  readonly username: string;
  readonly password: string;
  /** 2.x when org and bucket are set. */
  readonly org: string;
  readonly bucket: string;
  readonly token: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly tls: TlsOptions;
}

// line protocol escaping: measurement , and space; tag keys/values , = and space
const escMeasurement = (s: string): string => s.replace(/[\\, ]/g, (c) => `\\${c}`).replace(/\n/g, "\\n");
const escTag = (s: string): string => s.replace(/[\\,= ]/g, (c) => `\\${c}`).replace(/\n/g, "\\n");

/** One line per sample; NaN/±Inf (not representable as a float field) are skipped and counted by the caller. */
export function influxLines(batch: readonly Sample[]): { text: string; skipped: number } {
  let text = "";
  let skipped = 0;
  for (const s of batch) {
    if (!Number.isFinite(s.value)) {
      skipped++;
      continue;
    }
    let line = escMeasurement(s.name);
    if (s.tags !== undefined) {
      for (const k of Object.keys(s.tags).sort()) {
        const v = s.tags[k]!;
        if (v !== "") line += `,${escTag(k)}=${escTag(v)}`;
      }
    }
    text += `${line} value=${String(s.value)} ${Math.round(s.ts)}\n`;
  }
  return { text, skipped };
}

/** The write URL: /write (1.x) or /api/v2/write (2.x) under the configured base. */
export function influxWriteUrl(o: InfluxOptions): URL {
  const base = new URL(o.url);
  const prefix = base.pathname.replace(/\/+$/, "");
  const v2 = o.org !== "" && o.bucket !== "";
  const url = new URL(`${prefix}${v2 ? "/api/v2/write" : "/write"}`, base);
  const q = url.searchParams;
  if (v2) {
    q.set("org", o.org);
    q.set("bucket", o.bucket);
  } else {
    q.set("db", o.database);
    if (o.retentionPolicy !== "") q.set("rp", o.retentionPolicy);
    if (o.username !== "") {
      q.set("u", o.username);
      q.set("p", o.password);
    }
  }
  q.set("precision", "ms");
  return url;
}

export function createInfluxTarget(o: InfluxOptions, onSkipped: (points: number) => void = () => undefined): Target {
  const poster = createHttpPoster(o.tls);
  const url = influxWriteUrl(o);
  const headers: Record<string, string> = { "content-type": "text/plain; charset=utf-8", ...o.headers };
  if (o.token !== "") headers["Authorization"] = `Token ${o.token}`;
  return {
    type: "influx",
    async send(batch, signal) {
      const { text, skipped } = influxLines(batch);
      if (skipped > 0) onSkipped(skipped);
      if (text === "") return;
      await poster.post(url, Buffer.from(text), headers, signal);
    },
    async close() {
      poster.close();
    },
  };
}
