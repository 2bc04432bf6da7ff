/**
 * Agent mode (`loupe agent`, or `[server] mode = agent`): collectors and forwarders only — no database,
 * no store, no dashboards, no HTTP except `[server] agent_metrics_addr` (GET /metrics). Kept apart from
 * main.ts so that an agent never loads express, better-sqlite3 or passport (its footprint:
 * BENCHMARKS.md "Forwarding and agent mode").
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import type { Config } from "./config/index.js";
import { systemClock, type Clock } from "./lib/clock.js";
import { LoupeError } from "./lib/errors.js";
import type { Logger } from "./lib/logger.js";
import { MetricsRegistry } from "./lib/metrics.js";
import { Stoppers } from "./lib/stoppers.js";
import { startCollectors } from "./collectors/index.js";
import { readForwarders, startForwarders, teeSink, type Forwarders } from "./forward/index.js";

export interface AgentRunning {
  readonly forwarders: Forwarders;
  /** Port of the /metrics listener ([server] agent_metrics_addr), undefined when off. */
  readonly metricsPort: number | undefined;
  stop(): Promise<void>;
}

export async function startAgent(config: Config, log: Logger, options: { readonly clock?: Clock } = {}): Promise<AgentRunning> {
  const clock = options.clock ?? systemClock;
  const stoppers = new Stoppers(log);
  const metrics = new MetricsRegistry();
  try {
    checkAgentConfig(config); // 1. config checks: at least one forwarder
    const lock = lockAgentDir(config.paths.data); // one agent per data dir (its queues)
    stoppers.add("agent lock", lock);
    const forwarders = startForwarders({ config, log, clock, metrics }); // 2. forwarders (disk queues under <paths.data>/forward/)
    stoppers.add("forwarders", () => forwarders.stop());
    const collectors = await startCollectors({ config, sink: teeSink(undefined, forwarders), log, metrics, clock }); // 3. collectors
    stoppers.add("collectors", () => collectors.stop());
    const metricsPort = await serveMetrics(config, metrics, log, stoppers); // 4. /metrics when asked
    log.info("agent running", { collectors: collectors.scheduler.names.length, forwarders: forwarders.status().map((f) => `${f.name}→${f.target}`).join(","), metrics_port: metricsPort });
    return { forwarders, metricsPort, stop: () => stoppers.stopAll() };
  } catch (err) {
    await stoppers.stopAll();
    throw err;
  }
}

/** An agent without an enabled forwarder would collect into nothing. */
function checkAgentConfig(config: Config): void {
  if (readForwarders(config).some((f) => f.enabled)) return;
  throw new LoupeError(
    "agent_without_forwarder",
    "agent mode needs at least one enabled [forward.<name>] section: an agent keeps no data itself, it sends it on. " +
      "Add for example [forward.central] with type = graphite and addr = <central-loupe>:2003 (see README, \"Many hosts\").",
  );
}

/**
 * `<paths.data>/agent.pid`, created exclusively: a second agent on the same queues is refused, naming
 * the first. A file left by a dead agent (kill -9) is taken over. (The server's lock is SQLite's; an
 * agent loads no SQLite.) Returns the release.
 */
function lockAgentDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "agent.pid");
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => unlinkSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw err;
    }
    const pid = Number(readFileSync(path, "utf8").trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw new LoupeError("data_dir_locked", `another loupe agent (PID ${pid}) uses ${dir} (${path}): stop it, or give this one its own [paths] data`);
    }
    unlinkSync(path); // left by an agent that died
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** GET /metrics on [server] agent_metrics_addr (Prometheus text); anything else is 404. */
async function serveMetrics(config: Config, metrics: MetricsRegistry, log: Logger, stoppers: Stoppers): Promise<number | undefined> {
  const addr = config.server.agent_metrics_addr;
  if (addr === null) return undefined;
  const server: Server = createServer((req, res) => {
    if (req.method === "GET" && (req.url === "/metrics" || req.url?.startsWith("/metrics?") === true)) {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
      res.end(metrics.expose());
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found: this agent serves only GET /metrics\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(addr.port, addr.host, () => resolve());
  });
  stoppers.add("metrics listener", () => new Promise<void>((r) => server.close(() => r())));
  const port = (server.address() as AddressInfo).port;
  log.info("agent metrics listening", { addr: addr.host, port });
  return port;
}
