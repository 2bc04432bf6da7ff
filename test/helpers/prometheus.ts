/**
 * A real Prometheus (Debian `prometheus`) started by a test: its own config and data dir, a free port
 * on 127.0.0.1, scraping itself every second and remote-writing to the URL given. Stopped by its PID.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { httpOk, startPeer, type RunningPeer } from "./servers.js";
import { freePort } from "./system.js";
import { tempDir } from "./tmp.js";

export const PROMETHEUS_BIN = "/usr/bin/prometheus";

export interface Prometheus extends RunningPeer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
}

export interface PrometheusOptions {
  /** Where `remote_write` sends (Loupe's /api/v1/write). */
  readonly remoteWriteUrl: string;
  /** Sent as `Authorization: Bearer <token>` when given. */
  readonly bearerToken?: string;
}

export async function startPrometheus(options: PrometheusOptions): Promise<Prometheus> {
  const dir = tempDir("loupe-prometheus-");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const conf = join(dir, "prometheus.yml");
  writeFileSync(
    conf,
    [
      "global:",
      "  scrape_interval: 1s",
      "  evaluation_interval: 1s",
      "scrape_configs:",
      "  - job_name: prometheus",
      "    static_configs:",
      `      - targets: ["127.0.0.1:${port}"]`,
      "remote_write:",
      `  - url: ${JSON.stringify(options.remoteWriteUrl)}`,
      ...(options.bearerToken !== undefined ? ["    authorization:", `      credentials: ${JSON.stringify(options.bearerToken)}`] : []),
      "    queue_config:",
      "      batch_send_deadline: 1s",
      "      min_backoff: 100ms",
      "      max_backoff: 1s",
      "",
    ].join("\n"),
  );
  const peer = await startPeer({
    name: "prometheus",
    cmd: PROMETHEUS_BIN,
    args: [`--config.file=${conf}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"],
    dir,
    ready: () => httpOk(`${url}/-/ready`),
    readyTimeoutMs: 60_000,
  });
  return { ...peer, url };
}
