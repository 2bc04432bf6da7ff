/**
 * Ingest benchmark. Workload: 10,000 series (`loadgen.hostNN.metricMMMMM`), tick by tick, sent by
 * scripts/loadgen.ts in a child process on the same machine over loopback.
 *
 * - parser alone: the Graphite and line-protocol parsers over one tick of that workload in memory;
 *   "+ handler" adds series mapping, Sample objects and batching into a sink that does nothing.
 * - end to end: Graphite TCP over 4 connections and line protocol (POST /write, 4 requests in
 *   flight) into the real store (fsync = batch). The clock runs from the loadgen's first byte until
 *   every write promise has resolved (durable); only points read back through the store afterwards
 *   (readRaw of every series) are counted. "null sink" rows measure Loupe's side without the store.
 *
 * Targets (issue 5): Graphite TCP ≥ 1,500,000 points/s over 4 connections, line protocol ≥ 1,000,000.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RequestHandler } from "express";
import { defaultConfig } from "../../src/config/index.js";
import { GraphiteIngest, TemplateMapper, parseGraphite, startGraphiteListeners } from "../../src/ingest/graphite/index.js";
import { SeriesKeyCache, parseLineProtocol } from "../../src/ingest/influx/index.js";
import { createApp, startHttpServer, OPEN_PRINCIPAL } from "../../src/http/index.js";
import { writeRoutes } from "../../src/http/routes/api/write.js";
import { systemClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import { PROJECT_ROOT } from "../../src/lib/package-info.js";
import type { Sample, SampleSink } from "../../src/model/index.js";
import { openDatabase, migrate, openStore, type TimeSeriesStore } from "../../src/store/index.js";
import { DEFAULTS, buildPayloads, seriesName, type LoadOptions } from "../loadgen.js";
import { printTable } from "./_table.js";
import { bestCpuRate, cpuSeconds } from "./_cpu.js";

const SERIES = Number(process.env["BENCH_INGEST_SERIES"] ?? 10_000);
const TICKS = Number(process.env["BENCH_INGEST_TICKS"] ?? 150);
const CONNECTIONS = 4;
const INTERVAL = 10;
/** Ticks per POST: 4 × 2,500 = 10,000 lines per request (InfluxDB's advice is 5,000–10,000). */
const LP_BATCH = 4;
const START = Math.floor(Date.now() / 1000) - TICKS * INTERVAL - 600;

type Row = [string, string, number, string, string];
const rows: Row[] = [];

const RUNS = Number(process.env["BENCH_INGEST_RUNS"] ?? 3);

/** Items per CPU-second, best of RUNS windows of `seconds` of CPU. */
const timeLoop = (fn: () => number, seconds = 0.6): number => bestCpuRate(fn, RUNS, seconds);

/** Runs an end-to-end measurement RUNS times; the row shows the best rate and the median. */
async function repeat(label: string, transport: string, target: string, once: () => Promise<{ got: number; seconds: number; what: string; cpu: number }>): Promise<void> {
  const rates: number[] = [];
  const cpus: number[] = [];
  let last = { got: 0, seconds: 0, what: "", cpu: 0 };
  for (let r = 0; r < RUNS; r++) {
    last = await once();
    rates.push(last.got / last.seconds);
    cpus.push((last.cpu / last.got) * 1e6);
  }
  rates.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)]!;
  const cpuMedian = cpus[Math.floor(cpus.length / 2)]!;
  const expected = SERIES * TICKS;
  rows.push([
    label,
    transport,
    rates[rates.length - 1]!,
    "points/s",
    `best of ${RUNS} (median ${Math.round(median).toLocaleString("en-US")}; ${cpuMedian.toFixed(2)} µs CPU a point, median); ${last.got.toLocaleString("en-US")}/${expected.toLocaleString("en-US")} points ${last.what}${target}`,
  ]);
}

function parserAlone(): void {
  const o: LoadOptions = { ...DEFAULTS, series: SERIES, connections: 1, ticks: 1, start: START };
  const g = buildPayloads(o)[0]![0]!;
  const lp = buildPayloads({ ...o, protocol: "influx" })[0]![0]!;
  let sink = 0;
  const h = { row: (_p: string, v: number) => void (sink += v), invalid: () => undefined };
  const gRate = timeLoop(() => {
    parseGraphite(g, 0, g.length, 0, h);
    return SERIES;
  });
  rows.push(["Graphite parser alone", "in memory", gRate, "lines/CPU-s", `${(g.length / SERIES).toFixed(0)} B/line, a new path string per line`]);
  const nullSink: SampleSink = { write: () => Promise.resolve() };
  const ingest = new GraphiteIngest({ sink: nullSink, mapper: TemplateMapper.fromConfig([], []), clock: systemClock, log: silentLogger, selfInterval: 0 });
  const rh = ingest.rowHandler("bench");
  const hRate = timeLoop(() => {
    parseGraphite(g, 0, g.length, 0, rh);
    ingest.batcher.flush();
    return SERIES;
  });
  rows.push(["Graphite parser + handler", "in memory, null sink", hRate, "points/CPU-s", "interned paths, Sample objects, batches"]);
  const cache = new SeriesKeyCache();
  const lRate = timeLoop(() => parseLineProtocol(lp, "s", 0, cache).samples.length);
  rows.push(["Line-protocol parser alone", "in memory", lRate, "points/CPU-s", "1 field per line, Sample objects, series-key cache warm (as in /write)"]);
  void sink;
}

/**
 * Parser + handler + the real store, in memory (no TCP, no sender competing for the CPU): every
 * tick of the workload pushed through a stream, the batches awaited (durable) after each tick.
 * Points per CPU-second of this process (libuv threads included), median of RUNS fresh stores.
 */
async function graphiteInMemoryStore(): Promise<void> {
  const o: LoadOptions = { ...DEFAULTS, series: SERIES, connections: 1, ticks: TICKS, start: START };
  const ticks = buildPayloads(o)[0]!;
  const rates: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t = await makeStore();
    try {
      const ingest = new GraphiteIngest({ sink: t.sink, mapper: TemplateMapper.fromConfig([], []), clock: systemClock, log: silentLogger, selfInterval: 0 });
      const stream = ingest.stream("bench");
      const c0 = process.cpuUsage();
      for (const b of ticks) {
        stream.push(b);
        await ingest.batcher.drain();
      }
      const cpu = cpuSeconds(c0);
      const got = readBack(t.store!);
      rates.push(got / cpu);
      await ingest.close();
    } finally {
      await t.close();
    }
  }
  rates.sort((a, b) => a - b);
  rows.push(["Graphite parser + handler → store", "in memory, each tick awaited", rates[Math.floor(rates.length / 2)]!, "points/CPU-s", `median of ${RUNS} fresh stores (best ${Math.round(rates[rates.length - 1]!).toLocaleString("en-US")}); points read back per CPU-second, durable`]);
}

interface Target {
  readonly sink: SampleSink;
  readonly store?: TimeSeriesStore;
  close(): Promise<void>;
}

async function makeStore(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), "loupe-bench-ingest-"));
  const config = defaultConfig();
  const path = join(dir, "loupe.db");
  const db = openDatabase(path);
  migrate(db, undefined, path);
  const store = await openStore(db, { store: config.store, retention: config.retention, walPath: `${path}.wal`, log: silentLogger });
  return {
    sink: store,
    store,
    close: async () => {
      await store.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function nullTarget(): Target {
  return { sink: { write: (_b: readonly Sample[]) => Promise.resolve() }, close: async () => undefined };
}

/** Runs the loadgen child; resolves with the wall time of its first byte. */
function runLoadgen(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "scripts", "loadgen.ts"), "--prebuild", ...args], { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    let startAt = 0;
    child.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const m = /"event":"start","at":(\d+)/.exec(out);
      if (m !== null && startAt === 0) startAt = Number(m[1]);
    });
    child.on("exit", (code) => (code === 0 && startAt > 0 ? resolve(startAt) : reject(new Error(`loadgen exited ${code}: ${out}`))));
  });
}

/** Points of every loadgen series read back through the store. */
function readBack(store: TimeSeriesStore, tagged = false): number {
  let n = 0;
  const from = START * 1000;
  const to = (START + TICKS * INTERVAL) * 1000 + 1;
  for (let i = 0; i < SERIES; i++) {
    const key = tagged ? `loadgen.metric${String(i).padStart(5, "0")};host=host${String(i % 100).padStart(2, "0")}` : seriesName("loadgen", i);
    const s = store.getSeries(key);
    if (s !== undefined) n += store.readRaw(s.id, from, to).length;
  }
  return n;
}

const common = ["--series", String(SERIES), "--ticks", String(TICKS), "--interval", String(INTERVAL), "--start", String(START), "--connections", String(CONNECTIONS)];

async function graphiteEndToEnd(withStore: boolean): Promise<void> {
  await repeat(withStore ? "Graphite TCP → store" : "Graphite TCP → null sink", `${CONNECTIONS} connections`, withStore ? "; target ≥ 1,500,000" : "", async () => {
    const t = withStore ? await makeStore() : nullTarget();
    const ingest = new GraphiteIngest({ sink: t.sink, mapper: TemplateMapper.fromConfig([], []), clock: systemClock, log: silentLogger, selfInterval: 0 });
    const listeners = await startGraphiteListeners({ tcp: { host: "127.0.0.1", port: 0 }, udp: null, allowFrom: [], ingest, log: silentLogger });
    try {
      const c0 = process.cpuUsage();
      const startAt = await runLoadgen([...common, "--port", String(listeners.tcpPort)]);
      await ingest.batcher.drain();
      const seconds = (Date.now() - startAt) / 1000;
      const cpu = cpuSeconds(c0);
      const got = t.store !== undefined ? readBack(t.store) : ingest.counts.written;
      return { got, seconds, what: withStore ? "read back" : "accepted", cpu };
    } finally {
      await listeners.close();
      await t.close();
    }
  });
}

async function influxEndToEnd(withStore: boolean, tagged = false): Promise<void> {
  const transport = `${CONNECTIONS} requests in flight, ${((SERIES / CONNECTIONS) * LP_BATCH).toLocaleString("en-US")} lines each`;
  const label = `Line protocol${tagged ? " (host tag)" : ""} /write → ${withStore ? "store" : "null sink"}`;
  await repeat(label, transport, withStore ? "; target ≥ 1,000,000" : "", async () => {
    const t = withStore ? await makeStore() : nullTarget();
    const before: RequestHandler[] = [(_req, res, next) => ((res.locals["principal"] = OPEN_PRINCIPAL), next())];
    let written = 0;
    const counting: SampleSink = { write: async (b) => (await t.sink.write(b), void (written += b.length)) };
    const app = createApp({ log: silentLogger, before, routers: [writeRoutes({ sink: counting, clock: systemClock, log: silentLogger, maxBodySize: 64 << 20 })] });
    const http = await startHttpServer(app, "127.0.0.1", 0);
    try {
      const c0 = process.cpuUsage();
      const startAt = await runLoadgen([...common, "--protocol", "influx", "--port", String(http.port), "--path", "/write?db=bench&precision=s", "--batch", String(LP_BATCH), ...(tagged ? ["--tagged"] : [])]);
      const seconds = (Date.now() - startAt) / 1000;
      const cpu = cpuSeconds(c0);
      const got = t.store !== undefined ? readBack(t.store, tagged) : written;
      return { got, seconds, what: withStore ? "read back" : "accepted", cpu };
    } finally {
      await http.close();
      await t.close();
    }
  });
}

// BENCH_INGEST_ONLY=graphite-store (or parser, graphite-memory-store, graphite-null, influx-null, influx-store, influx-tagged) runs one row (profiling)
const only = process.env["BENCH_INGEST_ONLY"];
const want = (name: string): boolean => only === undefined || only === name;
if (want("parser")) parserAlone();
if (want("graphite-memory-store")) await graphiteInMemoryStore();
if (want("graphite-null")) await graphiteEndToEnd(false);
if (want("graphite-store")) await graphiteEndToEnd(true);
if (want("influx-null")) await influxEndToEnd(false);
if (want("influx-store")) await influxEndToEnd(true);
if (want("influx-tagged")) await influxEndToEnd(true, true);

printTable(
  "Ingest",
  `Workload: ${SERIES.toLocaleString("en-US")} series × ${TICKS} ticks (${(SERIES * TICKS).toLocaleString("en-US")} points), tick by tick, from scripts/loadgen.ts in a child process over loopback (payloads built before the clock starts). End-to-end rows count only points read back through the store after every write resolved (fsync = batch). End-to-end rows: wall time, best of ${RUNS} runs; parser rows: per CPU-second of the bench process, best of ${RUNS} windows.`,
  ["path", "transport", "rate", "unit", "notes"],
  rows,
);
