/**
 * PLACEHOLDER until RW's branch is merged: the lead takes RW's version of this file at merge. The
 * export is exactly the shape fleet-shared.md fixes, so the forward factory compiles against it.
 */
import type { Target } from "../target.js";

export interface RemoteWriteOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>; // auth headers already built by FWD (Authorization: Basic/Bearer, custom)
  readonly timeoutMs: number;
  readonly tls: { readonly caFile?: string; readonly insecureSkipVerify: boolean };
  readonly metricNames: "prometheus" | "graphite"; // see lib/prom-names.ts
  readonly pathPrefix: string; // [collectors] path_prefix (Diamond paths: <prefix>.<host>.<metric…>)
  readonly templates: readonly string[]; // Graphite templates (default: [ingest.graphite] templates)
  readonly separator: string;
}

export function createRemoteWriteTarget(options: RemoteWriteOptions): Target {
  void options;
  throw new Error("remote_write not built yet");
}
