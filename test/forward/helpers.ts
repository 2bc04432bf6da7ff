/** Shared parts of the forwarding tests with real peers: a second Loupe, a forwarder in this process, polling. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.js";
import { systemClock } from "../../src/lib/clock.js";
import { createLogger, type Logger } from "../../src/lib/logger.js";
import { MetricsRegistry } from "../../src/lib/metrics.js";
import type { Sample } from "../../src/model/index.js";
import { startForwarders, type Forwarders } from "../../src/forward/index.js";
import { spawnLoupe, type LoupeProcess } from "../helpers/spawn-loupe.js";
import { freePort } from "../helpers/system.js";

export const quietLog = (): { log: Logger; lines: string[] } => {
  const lines: string[] = [];
  return { log: createLogger({ level: "info", sink: { write: (l) => void lines.push(l) } }), lines };
};

/** A forwarder (or several) in this process, from `[forward.*]` config text, queues under `dataDir`. */
export function forwardersFor(dataDir: string, sections: string): { fw: Forwarders; metrics: MetricsRegistry; lines: string[] } {
  const config = loadConfig({ text: `[paths]\ndata = ${dataDir}\n${sections}`, env: {} });
  const metrics = new MetricsRegistry();
  const { log, lines } = quietLog();
  return { fw: startForwarders({ config, log, clock: systemClock, metrics }), metrics, lines };
}

export async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, ms = 30_000, every = 200): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}${last !== undefined ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** Points of `n` series, one every 10 s from t0 (aligned), values exact in binary. */
export function series(prefix: string, n: number, steps: number, t0: number, from = 0): Sample[] {
  const out: Sample[] = [];
  for (let i = from; i < from + steps; i++) for (let k = 0; k < n; k++) out.push({ name: `${prefix}.s${k}`, ts: t0 + i * 10_000, value: k * 1000 + i * 0.25 });
  return out;
}

export interface PeerLoupe {
  readonly proc: LoupeProcess;
  readonly httpPort: number;
  readonly graphitePort: number;
  stop(): Promise<void>;
}

/** A second Loupe (`loupe run`, spawned) with its own data dir and ports; `ports` reuses a stopped one's. */
export async function startPeerLoupe(dir: string, ports?: { http: number; graphite: number }): Promise<PeerLoupe> {
  const http = ports?.http ?? (await freePort());
  const graphite = ports?.graphite ?? (await freePort());
  mkdirSync(dir, { recursive: true });
  const ini = join(dir, "peer.ini");
  writeFileSync(ini, `[server]\nhttp_port = ${http}\n[paths]\ndata = ${join(dir, "data")}\n[ingest.graphite]\ntcp_addr = 127.0.0.1:${graphite}\nudp_addr =\n[alerting]\nenabled = false\n[collectors]\nhostname = peer\n`);
  const proc = spawnLoupe(["run", "--config", ini], { cwd: dir });
  await proc.ready;
  return {
    proc,
    httpPort: http,
    graphitePort: graphite,
    stop: async () => {
      if (proc.child.exitCode === null) {
        proc.child.kill("SIGTERM");
        await proc.exited;
      }
    },
  };
}

/** Non-null [value, ts_s] points of every series matching `target` from a Loupe's /render. */
export async function renderPoints(port: number, target: string, fromS: number, untilS: number): Promise<Map<string, Array<[number, number]>>> {
  const res = await fetch(`http://127.0.0.1:${port}/render?target=${encodeURIComponent(target)}&from=${fromS}&until=${untilS}&format=json`);
  if (!res.ok) throw new Error(`render ${target}: HTTP ${res.status} ${await res.text()}`);
  const json = (await res.json()) as Array<{ target: string; datapoints: Array<[number | null, number]> }>;
  const out = new Map<string, Array<[number, number]>>();
  for (const s of json) out.set(s.target, s.datapoints.filter((d): d is [number, number] => d[0] !== null));
  return out;
}
