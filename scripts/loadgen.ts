/**
 * Graphite plaintext load generator. Point it at any Graphite endpoint (Loupe, carbon, InfluxDB's
 * Graphite input, VictoriaMetrics):
 *
 *   node --import tsx scripts/loadgen.ts --host 127.0.0.1 --port 2003 \
 *     --connections 4 --series 10000 --ticks 60 --interval 10 --rate 0
 *
 * Series `<prefix>.host<NN>.metric<MMMMM>` are spread over the connections; every tick sends one
 * point per series, tick by tick, timestamps `start + tick × interval` seconds. `--rate` caps
 * points per second overall (0 = as fast as the endpoint takes them). Prints a JSON summary.
 *
 * `--protocol influx --port 3000` sends the same points as Influx line protocol
 * (`<prefix>.host<NN> metric<MMMMM>=<v> <ts>`, series `<prefix>.host<NN>.metric<MMMMM>`) in POSTs
 * of one tick per connection to `--path` (default `/write?db=loadgen&precision=s`), `--connections`
 * requests in flight, `--batch` ticks per request (default 1); `--tagged` sends
 * `<prefix>,host=host<NN> metric<MMMMM>=<v>` instead (series `<prefix>.metric<MMMMM>;host=host<NN>`). `--token` adds `Authorization: Token …`. `--prebuild` builds every payload
 * before sending and prints `{"event":"start","at":<ms>}` when the first byte goes out.
 * Also importable: `buildPayloads`, `sendPayloads`, `sendInflux`.
 */
import { Agent, request } from "node:http";
import { connect, type Socket } from "node:net";
import { fileURLToPath } from "node:url";

export interface LoadOptions {
  readonly host: string;
  readonly port: number;
  readonly connections: number;
  readonly series: number;
  readonly ticks: number;
  /** Seconds between ticks in the timestamps. */
  readonly interval: number;
  /** First timestamp, unix seconds. */
  readonly start: number;
  /** Points per second overall; 0 = unlimited. */
  readonly rate: number;
  readonly prefix: string;
  readonly protocol: "graphite" | "influx";
  /** HTTP path for the influx protocol. */
  readonly path: string;
  readonly token: string;
  readonly prebuild: boolean;
  /** Influx: ticks per POST (each connection's share of `batch` ticks in one body). */
  readonly batch: number;
  /** Influx: `<prefix>,host=host<NN> metric<MMMMM>=<v>` (series `<prefix>.metric<MMMMM>;host=host<NN>`) instead of untagged. */
  readonly tagged: boolean;
}

export const DEFAULTS: LoadOptions = {
  host: "127.0.0.1",
  port: 2003,
  connections: 4,
  series: 10_000,
  ticks: 60,
  interval: 10,
  start: Math.floor(Date.now() / 1000) - 3600,
  rate: 0,
  prefix: "loadgen",
  protocol: "graphite",
  path: "/write?db=loadgen&precision=s",
  token: "",
  prebuild: false,
  batch: 1,
  tagged: false,
};

export function seriesName(prefix: string, i: number): string {
  return `${prefix}.host${String(i % 100).padStart(2, "0")}.metric${String(i).padStart(5, "0")}`;
}

/** The value series i carries at tick t: varies, stays 6 characters wide. */
function valueText(i: number, t: number): string {
  return String(100_000 + ((i * 7919 + t * 104_729) % 900_000));
}

/** One Buffer per connection per tick: payloads[c][t]. */
export function buildPayloads(o: LoadOptions, ticks: { from: number; to: number } = { from: 0, to: o.ticks }): Buffer[][] {
  const out: Buffer[][] = [];
  for (let c = 0; c < o.connections; c++) {
    const names: string[] = [];
    const ids: number[] = [];
    for (let i = c; i < o.series; i += o.connections) {
      names.push(seriesName(o.prefix, i));
      ids.push(i);
    }
    const perConn: Buffer[] = [];
    for (let t = ticks.from; t < ticks.to; t++) {
      const ts = String(o.start + t * o.interval);
      let s = "";
      if (o.protocol === "influx" && o.tagged)
        for (let k = 0; k < names.length; k++) {
          const i = ids[k]!;
          s += `${o.prefix},host=host${String(i % 100).padStart(2, "0")} metric${String(i).padStart(5, "0")}=${valueText(i, t)} ${ts}\n`;
        }
      else if (o.protocol === "influx")
        for (let k = 0; k < names.length; k++) {
          const n = names[k]!;
          const dot = n.lastIndexOf(".");
          s += `${n.slice(0, dot)} ${n.slice(dot + 1)}=${valueText(ids[k]!, t)} ${ts}\n`;
        }
      else for (let k = 0; k < names.length; k++) s += `${names[k]} ${valueText(ids[k]!, t)} ${ts}\n`;
      perConn.push(Buffer.from(s, "latin1"));
    }
    out.push(perConn);
  }
  return out;
}

export interface LoadResult {
  readonly points: number;
  readonly bytes: number;
  readonly seconds: number;
}

function open(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port, noDelay: true }, () => {
      s.off("error", reject);
      resolve(s);
    });
    s.once("error", reject);
  });
}

/** Sends prebuilt payloads over one socket per connection; resolves once every socket is closed. */
export async function sendPayloads(o: LoadOptions, payloads: Buffer[][] | ((c: number, t: number) => Buffer)): Promise<LoadResult> {
  const sockets = await Promise.all(Array.from({ length: o.connections }, () => open(o.host, o.port)));
  const get = typeof payloads === "function" ? payloads : (c: number, t: number) => payloads[c]![t]!;
  const perTick = o.series;
  const t0 = process.hrtime.bigint();
  let bytes = 0;
  await Promise.all(
    sockets.map(async (sock, c) => {
      for (let t = 0; t < o.ticks; t++) {
        if (o.rate > 0) {
          const due = ((t * perTick) / o.rate) * 1000;
          const el = Number(process.hrtime.bigint() - t0) / 1e6;
          if (due > el) await new Promise((r) => setTimeout(r, due - el));
        }
        const buf = get(c, t);
        bytes += buf.length;
        if (!sock.write(buf)) await new Promise((r) => sock.once("drain", r));
      }
      await new Promise<void>((resolve) => {
        sock.once("close", () => resolve());
        sock.end();
      });
    }),
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { points: o.series * o.ticks, bytes, seconds };
}

/** POSTs each payload as one line-protocol request; `connections` requests in flight. */
export async function sendInflux(o: LoadOptions, payloads: Buffer[][] | ((c: number, t: number) => Buffer)): Promise<LoadResult> {
  const get = typeof payloads === "function" ? payloads : (c: number, t: number) => payloads[c]![t]!;
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections });
  const headers: Record<string, string> = { "Content-Type": "text/plain; charset=utf-8" };
  if (o.token !== "") headers["Authorization"] = `Token ${o.token}`;
  const post = (body: Buffer): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request({ host: o.host, port: o.port, path: o.path, method: "POST", agent, headers: { ...headers, "Content-Length": String(body.length) } }, (res) => {
        let text = "";
        res.on("data", (b: Buffer) => (text += b.toString()));
        res.on("end", () => (res.statusCode === 204 ? resolve() : reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 300)}`))));
      });
      req.on("error", reject);
      req.end(body);
    });
  const t0 = process.hrtime.bigint();
  let bytes = 0;
  await Promise.all(
    Array.from({ length: o.connections }, async (_, c) => {
      const batch = Math.max(1, Math.floor(o.batch));
      for (let t = 0; t < o.ticks; t += batch) {
        if (o.rate > 0) {
          const due = ((t * o.series) / o.rate) * 1000;
          const el = Number(process.hrtime.bigint() - t0) / 1e6;
          if (due > el) await new Promise((r) => setTimeout(r, due - el));
        }
        const parts: Buffer[] = [];
        for (let k = t; k < Math.min(o.ticks, t + batch); k++) parts.push(get(c, k));
        const buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
        bytes += buf.length;
        await post(buf);
      }
    }),
  );
  agent.destroy();
  return { points: o.series * o.ticks, bytes, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

/** Builds tick payloads lazily, a few ticks ahead (for long runs from the command line). */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const cache = new Map<number, Buffer[][]>();
  const get = (c: number, t: number): Buffer => {
    let block = cache.get(t);
    if (block === undefined) {
      block = buildPayloads(o, { from: t, to: t + 1 });
      cache.set(t, block);
      cache.delete(t - 2);
    }
    return block[c]![0]!;
  };
  const send = o.protocol === "influx" ? sendInflux : sendPayloads;
  if (o.prebuild) {
    const all = buildPayloads(o);
    process.stdout.write(`${JSON.stringify({ event: "start", at: Date.now() })}\n`);
    return await send(o, all);
  }
  return await send(o, get);
}

function parseArgs(argv: readonly string[]): LoadOptions {
  const o: Record<string, string | number | boolean> = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--help" || a === "-h") {
      process.stdout.write(
        "usage: loadgen [--protocol graphite|influx] [--host 127.0.0.1] [--port 2003] [--connections 4] [--series 10000] [--ticks 60] [--interval 10] [--start <unix s>] [--rate 0] [--prefix loadgen] [--path /write?db=loadgen&precision=s] [--batch 1] [--tagged] [--token T] [--prebuild]\n",
      );
      process.exit(0);
    }
    if (a === "--prebuild" || a === "--tagged") {
      o[a.slice(2)] = 1;
      continue;
    }
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(a);
    if (m === null || !(m[1]! in DEFAULTS)) throw new Error(`unknown argument ${a} (--help)`);
    const v = m[2] ?? argv[++i];
    if (v === undefined) throw new Error(`${a} needs a value`);
    o[m[1]!] = typeof DEFAULTS[m[1] as keyof LoadOptions] === "number" ? Number(v) : v;
    if (typeof o[m[1]!] === "number" && !Number.isFinite(o[m[1]!] as number)) throw new Error(`${a}: not a number`);
  }
  if (o["protocol"] !== "graphite" && o["protocol"] !== "influx") throw new Error("--protocol is graphite or influx");
  return { ...(o as unknown as LoadOptions), prebuild: o["prebuild"] === 1, tagged: o["tagged"] === 1 };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const o = parseArgs(process.argv.slice(2));
  runLoad(o).then(
    (r) => process.stdout.write(`${JSON.stringify({ ...r, points_per_s: Math.round(r.points / r.seconds), target: `${o.host}:${o.port}` })}\n`),
    (err: unknown) => {
      process.stderr.write(`loadgen: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
