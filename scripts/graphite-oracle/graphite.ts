// Debian's carbon-cache + graphite-web on loopback, everything (config, whisper files, tag db, logs)
// under one temp folder, each started and stopped by its PID. carbon's clock starts at the dataset's
// NOW (run_at_clock.py); graphite-web's clock is frozen at NOW (libfaketime: it never sleeps) and
// every request also carries `now=NOW`.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { EVENTS, FAKETIME_FROZEN, NOW, SERIES, datasetLines } from "./dataset.js";
import { faketimeEnv, freePort, sendLines, stopChild, waitFor } from "./processes.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const PYTHON = "/usr/bin/python3";
const CARBON = "/usr/bin/carbon-cache";

/**
 * Whisper archives mirroring Loupe's default tiers ([retention] raw 15d, rollup_1m 90d, rollup_1h 2y), so
 * that graphite-web's archive choice is one Loupe can reproduce: 10 s for 15 days, 1 minute for 90 days,
 * 1 hour for 2 years. Long ranges (30 days: the 1-minute archive) and maxDataPoints are both exercised.
 */
export const STORAGE_SCHEMAS = "[oracle]\npattern = .*\nretentions = 10s:15d,1m:90d,1h:2y\n";
export const STORAGE_AGGREGATION = "[default]\npattern = .*\nxFilesFactor = 0.5\naggregationMethod = average\n";

export interface GraphiteOracle {
  readonly baseUrl: string;
  readonly dir: string;
  stop(): Promise<void>;
}

function carbonConf(dir: string, ports: { line: number; pickle: number; query: number; web: number }): string {
  return `[cache]
STORAGE_DIR = ${dir}/storage/
LOCAL_DATA_DIR = ${dir}/storage/whisper/
WHITELISTS_DIR = ${dir}/storage/lists/
CONF_DIR = ${dir}/conf/
LOG_DIR = ${dir}/log/carbon/
PID_DIR = ${dir}/run/
ENABLE_LOGROTATION = False
USER =
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = inf
MAX_CREATES_PER_MINUTE = inf
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = ${ports.line}
ENABLE_UDP_LISTENER = False
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = ${ports.pickle}
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = ${ports.query}
LOG_UPDATES = True
LOG_CREATES = False
LOG_LISTENER_CONNECTIONS = False
LOG_CACHE_HITS = False
CACHE_WRITE_STRATEGY = sorted
WHISPER_AUTOFLUSH = False
ENABLE_TAGS = True
TAG_UPDATE_INTERVAL = 100
GRAPHITE_URL = http://127.0.0.1:${ports.web}
`;
}

function startChild(cmd: string, args: string[], env: NodeJS.ProcessEnv, logFile: string, onText?: (s: string) => void): ChildProcess {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const keep = (b: Buffer): void => {
    const text = b.toString();
    onText?.(text);
    log += text;
    if (log.length > 200_000) log = log.slice(-100_000);
    writeFileSync(logFile, log);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  return child;
}

/** Counts carbon's "[updates] wrote N datapoints" lines (LOG_UPDATES, on stdout with --nodaemon). */
function updatesCounter(): { onText: (s: string) => void; committed: () => number } {
  let n = 0;
  let rest = "";
  return {
    onText(s) {
      const lines = (rest + s).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) {
        const m = /\[updates\] wrote (\d+) datapoints/.exec(line);
        if (m) n += Number(m[1]);
      }
    },
    committed: () => n,
  };
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return await res.json();
}

/** Starts graphite-web, feeds the dataset through carbon-cache, waits until whisper and the tag db hold it all. */
export async function startGraphiteOracle(log: (msg: string) => void): Promise<GraphiteOracle> {
  for (const f of [PYTHON, CARBON]) if (!existsSync(f)) throw new Error(`graphite-oracle: ${f} missing (Debian graphite-carbon, graphite-web)`);
  const dir = mkdtempSync(join(tmpdir(), "loupe-graphite-oracle-"));
  for (const d of ["conf", "storage/whisper", "storage/lists", "log/webapp", "log/carbon", "run"]) mkdirSync(join(dir, d), { recursive: true });
  const ports = { line: await freePort(), pickle: await freePort(), query: await freePort(), web: await freePort() };
  writeFileSync(join(dir, "conf", "carbon.conf"), carbonConf(dir, ports));
  writeFileSync(join(dir, "conf", "storage-schemas.conf"), STORAGE_SCHEMAS);
  writeFileSync(join(dir, "conf", "storage-aggregation.conf"), STORAGE_AGGREGATION);

  const pyEnv = { ORACLE_DIR: dir, ORACLE_WEB_PORT: String(ports.web), PYTHONPATH: HERE, PYTHONDONTWRITEBYTECODE: "1" };
  const migrate = spawnSync(PYTHON, [join(HERE, "serve_graphite_web.py"), "migrate"], { env: { ...process.env, ...pyEnv }, encoding: "utf8" });
  if (migrate.status !== 0) throw new Error(`graphite-web migrate failed: ${migrate.stderr}`);
  const web = startChild(PYTHON, [join(HERE, "serve_graphite_web.py")], { ...pyEnv, ...faketimeEnv(FAKETIME_FROZEN) }, join(dir, "log", "web.out"));
  const baseUrl = `http://127.0.0.1:${ports.web}`;
  let carbon: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    if (carbon) await stopChild(carbon);
    await stopChild(web);
    if (!process.env["ORACLE_KEEP"]) rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor("graphite-web", async () => (await fetch(`${baseUrl}/tags`).catch(() => null))?.ok === true, 30_000);
    const carbonArgs = ["--nodaemon", `--config=${join(dir, "conf", "carbon.conf")}`, `--pidfile=${join(dir, "run", "carbon.pid")}`, `--logdir=${join(dir, "log", "carbon")}`, "start"];
    const updates = updatesCounter();
    carbon = startChild(PYTHON, [join(HERE, "run_at_clock.py"), String(NOW), CARBON, ...carbonArgs], { TZ: "UTC" }, join(dir, "log", "carbon.out"), updates.onText);
    const c = carbon;
    await waitFor("carbon line receiver", async () => {
      if (c.exitCode !== null) throw new Error(`carbon-cache exited: ${readFileSync(join(dir, "log", "carbon.out"), "utf8")}`);
      return await sendLines(ports.line, []).then(() => true, () => false);
    }, 30_000);
    const sent = await sendLines(ports.line, datasetLines());
    log(`fed ${sent} points to carbon; waiting for whisper`);
    await waitFor(`carbon to write ${sent} points (see ${dir}/log/carbon.out)`, () => updates.committed() >= sent, 600_000, 1000);
    await waitFor(`carbon to tag ${SERIES.length} series`, async () => {
      const all = (await getJson(`${baseUrl}/tags/findSeries?expr=name=~.`)) as string[];
      return all.length >= SERIES.length;
    }, 60_000, 500);
    await stopChild(carbon);
    carbon = undefined;
    for (const e of EVENTS) {
      const res = await fetch(`${baseUrl}/events/`, { method: "POST", body: JSON.stringify(e), headers: { "content-type": "application/json" } });
      if (!res.ok) throw new Error(`graphite-web: POST /events/ ${e.what}: HTTP ${res.status}`);
    }
    log(`carbon wrote everything; graphite-web at ${baseUrl} (data in ${dir})`);
    return { baseUrl, dir, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
