// The remote_write bench's workload, shared by the bench and its HTTP client process.
import { sortLabels, type EncodedSeries } from "../../src/lib/remote-write/encode.js";

export const BENCH_T0 = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 2 * 86_400_000;
const MODES = ["user", "system", "idle", "iowait"];

/** Series i: 200 series per instance (25 metric names × 8 cpus), 5 labels. */
export function benchLabels(i: number): [string, string][] {
  const j = i % 200;
  return sortLabels([["__name__", `node_metric_${j % 25}`], ["cpu", String(Math.floor(j / 25))], ["instance", `host${Math.floor(i / 200)}:9100`], ["job", "node"], ["mode", MODES[i % 4]!]]);
}

/** Request `r`: every series with `per` samples 10 s apart, later than request r - 1's. */
export function benchRequest(w: { readonly series: number; readonly per: number }, encoded: readonly Uint8Array[], r: number): EncodedSeries[] {
  const out: EncodedSeries[] = [];
  for (let i = 0; i < w.series; i++) {
    const ts: number[] = [];
    const vs: number[] = [];
    for (let j = 0; j < w.per; j++) {
      const t = BENCH_T0 + (r * w.per + j) * 10_000;
      ts.push(t);
      vs.push(Math.round(Math.sin(i + t / 1e5) * 1000) / 10);
    }
    out.push({ labels: encoded[i]!, timestamps: ts, values: vs });
  }
  return out;
}
