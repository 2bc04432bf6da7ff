/**
 * Real peers from Debian, started by a test on loopback with their own data dir and ports, stopped by
 * the PID this file started (never by name). Add a peer here as `startX()` so tests share one way.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./system.js";
import { tempDir } from "./tmp.js";

export const VM_BIN = "/usr/bin/victoria-metrics";
export const INFLUXD_BIN = "/usr/bin/influxd";

export interface RunningPeer {
  readonly pid: number;
  readonly dir: string;
  /** Last lines the peer logged (for an assertion message). */
  log(): string;
  /** Stops the peer this test started (SIGTERM to its PID, SIGKILL after 10 s); resolves when it exited. */
  stop(): Promise<void>;
}

export interface PeerSpec {
  readonly name: string;
  readonly cmd: string;
  readonly args: readonly string[];
  readonly dir: string;
  /** Resolves true once the peer answers (polled every 100 ms). */
  readonly ready: () => Promise<boolean>;
  readonly readyTimeoutMs?: number;
  /** Run as this user and group (e.g. PostgreSQL, which refuses root). */
  readonly uid?: number;
  readonly gid?: number;
}

/** Spawns a peer and waits until `ready()` says so; throws with its log when it exits or times out. */
export async function startPeer(spec: PeerSpec): Promise<RunningPeer> {
  const logPath = join(spec.dir, `${spec.name}.log`);
  const fd = openSync(logPath, "a");
  const child: ChildProcess = spawn(spec.cmd, [...spec.args], { stdio: ["ignore", fd, fd], ...(spec.uid !== undefined ? { uid: spec.uid, gid: spec.gid ?? spec.uid } : {}) });
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
  const log = (): string => readFileSync(logPath, "utf8").split("\n").slice(-30).join("\n");
  const stop = async (): Promise<void> => {
    if (exited || child.pid === undefined) return;
    process.kill(child.pid, "SIGTERM");
    const t = setTimeout(() => !exited && child.pid !== undefined && process.kill(child.pid, "SIGKILL"), 10_000);
    await exit;
    clearTimeout(t);
  };
  const deadline = Date.now() + (spec.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (exited) throw new Error(`${spec.name} exited before it was ready:\n${log()}`);
    if (await spec.ready().catch(() => false)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${spec.name} not ready after ${spec.readyTimeoutMs ?? 30_000} ms:\n${log()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { pid: child.pid!, dir: spec.dir, log, stop };
}

export async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.ok;
}

export interface VictoriaMetrics extends RunningPeer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly graphitePort: number;
  readonly influxPort: number;
}

/** Single-node VictoriaMetrics with HTTP (remote_write at /api/v1/write, Influx at /write), Graphite TCP. */
export async function startVictoriaMetrics(extraArgs: readonly string[] = []): Promise<VictoriaMetrics> {
  const dir = tempDir("loupe-vm-");
  const [http, graphitePort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${http}`;
  const peer = await startPeer({
    name: "victoria-metrics",
    cmd: VM_BIN,
    args: [`-storageDataPath=${join(dir, "data")}`, `-httpListenAddr=127.0.0.1:${http}`, `-graphiteListenAddr=127.0.0.1:${graphitePort}`, "-retentionPeriod=100y", "-search.disableCache", "-search.latencyOffset=0s", ...extraArgs],
    dir,
    ready: () => httpOk(`${url}/health`),
  });
  return { ...peer, url, graphitePort, influxPort: http };
}

export interface Influxd extends RunningPeer {
  /** http://127.0.0.1:<port> (InfluxDB 1.x HTTP API: /query, /write, /ping) */
  readonly url: string;
}

/** InfluxDB 1.6 (Debian `influxdb`) with its own meta/data/wal dirs; no reporting, no other listeners. */
export async function startInfluxd(): Promise<Influxd> {
  const dir = tempDir("loupe-influxd-");
  const [http, rpc] = [await freePort(), await freePort()];
  for (const d of ["meta", "data", "wal"]) mkdirSync(join(dir, d));
  const conf = join(dir, "influxdb.conf");
  writeFileSync(
    conf,
    [
      "reporting-disabled = true",
      `bind-address = "127.0.0.1:${rpc}"`,
      "[meta]",
      `  dir = "${join(dir, "meta")}"`,
      "[data]",
      `  dir = "${join(dir, "data")}"`,
      `  wal-dir = "${join(dir, "wal")}"`,
      "  query-log-enabled = false",
      "[http]",
      `  bind-address = "127.0.0.1:${http}"`,
      "  log-enabled = false",
      "[monitor]",
      "  store-enabled = false",
      "[continuous_queries]",
      "  enabled = false",
      "",
    ].join("\n"),
  );
  const url = `http://127.0.0.1:${http}`;
  const peer = await startPeer({ name: "influxd", cmd: INFLUXD_BIN, args: ["-config", conf], dir, ready: async () => (await fetch(`${url}/ping`, { signal: AbortSignal.timeout(2000) })).status === 204 });
  return { ...peer, url };
}

/** Runs an InfluxQL statement (POST /query); returns the parsed JSON answer. */
export async function influxQuery(url: string, q: string, db?: string): Promise<unknown> {
  const body = new URLSearchParams({ q, ...(db !== undefined ? { db } : {}), epoch: "ms" });
  const res = await fetch(`${url}/query`, { method: "POST", body, signal: AbortSignal.timeout(10_000) });
  const json: unknown = await res.json();
  if (!res.ok) throw new Error(`influx query ${q}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json;
}
