/**
 * Debian's carbon-cache (graphite-carbon) on loopback for a test: its own conf, whisper storage and
 * log folders under a temp dir, free ports, started and stopped by PID (startPeer). Retention 1s:2d so
 * every point sent is kept as sent. Read back with `whisperFetch` (whisper-fetch --json).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { startPeer, type RunningPeer } from "./servers.js";
import { freePort } from "./system.js";
import { tempDir } from "./tmp.js";

export const CARBON_BIN = "/usr/bin/carbon-cache";
export const WHISPER_FETCH_BIN = "/usr/bin/whisper-fetch";

export interface Carbon extends RunningPeer {
  readonly linePort: number;
  /** storage/whisper folder: a path a.b.c is a/b/c.wsp below it. */
  readonly whisperDir: string;
}

export async function startCarbon(): Promise<Carbon> {
  const dir = tempDir("loupe-carbon-");
  for (const d of ["conf", "storage/whisper", "storage/lists", "log", "run"]) mkdirSync(join(dir, d), { recursive: true });
  const [line, pickle, query] = [await freePort(), await freePort(), await freePort()];
  writeFileSync(
    join(dir, "conf", "carbon.conf"),
    [
      "[cache]",
      `STORAGE_DIR = ${dir}/storage/`,
      `LOCAL_DATA_DIR = ${dir}/storage/whisper/`,
      `WHITELISTS_DIR = ${dir}/storage/lists/`,
      `CONF_DIR = ${dir}/conf/`,
      `LOG_DIR = ${dir}/log/`,
      `PID_DIR = ${dir}/run/`,
      "ENABLE_LOGROTATION = False",
      "USER =",
      "MAX_CACHE_SIZE = inf",
      "MAX_UPDATES_PER_SECOND = inf",
      "MAX_CREATES_PER_MINUTE = inf",
      "LINE_RECEIVER_INTERFACE = 127.0.0.1",
      `LINE_RECEIVER_PORT = ${line}`,
      "ENABLE_UDP_LISTENER = False",
      "PICKLE_RECEIVER_INTERFACE = 127.0.0.1",
      `PICKLE_RECEIVER_PORT = ${pickle}`,
      "CACHE_QUERY_INTERFACE = 127.0.0.1",
      `CACHE_QUERY_PORT = ${query}`,
      "LOG_LISTENER_CONNECTIONS = False",
      "ENABLE_TAGS = False",
      "",
    ].join("\n"),
  );
  writeFileSync(join(dir, "conf", "storage-schemas.conf"), "[all]\npattern = .*\nretentions = 1s:2d\n");
  writeFileSync(join(dir, "conf", "storage-aggregation.conf"), "[default]\npattern = .*\nxFilesFactor = 0\naggregationMethod = average\n");
  const peer = await startPeer({
    name: "carbon-cache",
    cmd: CARBON_BIN,
    args: ["--nodaemon", `--config=${join(dir, "conf", "carbon.conf")}`, `--pidfile=${join(dir, "run", "carbon.pid")}`, `--logdir=${join(dir, "log")}`, "start"],
    dir,
    ready: () =>
      new Promise<boolean>((resolve) => {
        const s = connect(line, "127.0.0.1", () => (s.end(), resolve(true)));
        s.on("error", () => resolve(false));
      }),
  });
  return { ...peer, linePort: line, whisperDir: join(dir, "storage", "whisper") };
}

/** [ts_s, value] pairs with a value in [from, until] of `path`, [] when carbon has not created it yet. */
export async function whisperFetch(carbon: Carbon, path: string, fromS: number, untilS: number): Promise<Array<[number, number]>> {
  const file = join(carbon.whisperDir, ...path.split(".")) + ".wsp";
  if (!existsSync(file)) return [];
  const { stdout } = await promisify(execFile)(WHISPER_FETCH_BIN, ["--json", `--from=${fromS - 1}`, `--until=${untilS}`, file]);
  const j = JSON.parse(stdout) as { start: number; step: number; values: Array<number | null> };
  const out: Array<[number, number]> = [];
  j.values.forEach((v, i) => v !== null && out.push([j.start + i * j.step, v]));
  return out;
}
