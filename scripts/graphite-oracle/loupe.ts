// Loupe from source on the oracle's dataset: its own temp data dir, free ports, collectors off,
// its clock frozen at the dataset's NOW (libfaketime), the dataset fed over Graphite TCP and the
// events as annotations. Stopped by its PID.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnLoupe } from "../../test/helpers/spawn-loupe.js";
import { EVENTS, FAKETIME_FROZEN, SERIES, STEP, datasetLines, lastPointTime } from "./dataset.js";
import { faketimeEnv, sendLines, stopChild, waitFor } from "./processes.js";

const COLLECTORS = ["cpu", "memory", "loadavg", "diskspace", "iostat", "network", "vmstat", "uptime", "sockets", "tcp", "processes", "nginx"];

export interface LoupeOracle {
  readonly baseUrl: string;
  stop(): Promise<void>;
}

/** The window a series' last point is probed in (wide: Loupe may answer a sparse series at a coarser step). */
const probe = (path: string, at: number): URLSearchParams => {
  const [name, ...tags] = path.split(";");
  const target = tags.length === 0 ? path : `seriesByTag(${[`name=${name}`, ...tags].map((t) => `'${t}'`).join(",")})`;
  return new URLSearchParams({ target, from: String(at - 3600), until: String(at + STEP), format: "json" });
};

async function lastPointPresent(baseUrl: string, path: string, at: number): Promise<boolean> {
  const q = probe(path, at);
  const res = await fetch(`${baseUrl}/render?${q.toString()}`);
  if (!res.ok) return false;
  const body = (await res.json()) as { datapoints: [number | null, number][] }[];
  return body.some((s) => s.datapoints.some(([v, t]) => t >= at - 400 && v !== null));
}

/**
 * Loupe writes its own `loupe.ingest.graphite.*` series every 10 s; whether they exist yet would change
 * `find?query=*` from run to run. Wait (at most 15 s) until they do, so every run sees the same tree.
 */
async function waitForSelfMetrics(baseUrl: string): Promise<void> {
  const q = new URLSearchParams({ query: "loupe.ingest.graphite.*" });
  await waitFor("loupe's own metrics", async () => {
    const res = await fetch(`${baseUrl}/metrics/find?${q.toString()}`);
    return res.ok && ((await res.json()) as unknown[]).length > 0;
  }, 15_000, 200).catch(() => undefined);
}

export async function startLoupeOracle(log: (msg: string) => void = () => undefined): Promise<LoupeOracle> {
  const dir = mkdtempSync(join(tmpdir(), "loupe-oracle-loupe-"));
  const ini = COLLECTORS.map((c) => `[collector.${c}]\nenabled = false\n`).join("\n");
  writeFileSync(join(dir, "loupe.ini"), ini);
  const loupe = spawnLoupe(["run"], {
    cwd: dir,
    env: {
      ...faketimeEnv(FAKETIME_FROZEN),
      LOUPE_CONFIG: join(dir, "loupe.ini"),
      LOUPE_SERVER_HTTP_PORT: "0",
      LOUPE_PATHS_DATA: join(dir, "data"),
      LOUPE_INGEST_GRAPHITE_TCP_ADDR: "127.0.0.1:0",
      LOUPE_INGEST_GRAPHITE_UDP_ADDR: "",
      LOUPE_LOG_LEVEL: "info",
    },
  });
  const stop = async (): Promise<void> => {
    await stopChild(loupe.child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await loupe.ready;
    const baseUrl = `http://127.0.0.1:${port}`;
    const m = /graphite tcp listening .*port=(\d+)/.exec(loupe.stderr());
    if (!m) throw new Error(`loupe: no graphite tcp port in its log:\n${loupe.stderr()}`);
    const sent = await sendLines(Number(m[1]), datasetLines());
    for (const e of EVENTS) {
      const res = await fetch(`${baseUrl}/api/annotations`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ time: e.when * 1000, text: e.what, tags: e.tags }),
      });
      if (!res.ok) log(`loupe: annotation ${e.what}: HTTP ${res.status} ${await res.text()}`);
    }
    for (const s of SERIES) {
      const at = lastPointTime(s);
      await waitFor(`loupe to store ${s.path}`, () => lastPointPresent(baseUrl, s.path, at), 60_000, 100).catch(async (e: Error) => {
        const answer = await (await fetch(`${baseUrl}/render?${probe(s.path, at).toString()}`)).text();
        throw new Error(`${e.message}; its point at ${at} is missing from ${answer.slice(0, 300)}`);
      });
    }
    await waitForSelfMetrics(baseUrl);
    log(`loupe at ${baseUrl} holds the dataset (${sent} points)`);
    return { baseUrl, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
