// The vs-vm benchmark's sender, run as its own process: Graphite plaintext over 4 TCP connections,
// tick by tick (each tick's lines split over the connections), waiting for socket drain.
//   node --import tsx scripts/bench/_vsvm-send.ts PORT PREFIX SERIES POINTS STEP_S FIRST_S
// Prints "done <points> <ms>" when every byte was written and the sockets closed.
import { connect, type Socket } from "node:net";

const [port, prefix, series, points, step, first] = process.argv.slice(2);
const PORT = Number(port);
const SERIES = Number(series);
const POINTS = Number(points);
const STEP = Number(step);
const FIRST = Number(first);
const CONNECTIONS = 4;

/** Value shapes as the store bench: counters, integer and decimal random walks, constants. */
function valueAt(i: number, t: number): number {
  const k = i % 10;
  const h = Math.sin(i * 12.9898 + t * 78.233) * 43758.5453;
  const r = h - Math.floor(h);
  if (k < 3) return i * 1000 + t * 500 + Math.floor(r * 1000);
  if (k < 5) return 5000 + Math.round(Math.sin(t / 50 + i) * 1000);
  if (k < 7) return Math.round((50 + Math.sin(t / 30 + i) * 40 + r) * 100) / 100;
  if (k < 9) return Math.round((10 + Math.sin(t / 20 + i) * 5 + r / 100) * 1e4) / 1e4;
  return i % 100;
}

function name(i: number): string {
  // 10 metrics per host, like servers.hostNNNN.metric
  return `${prefix}.h${String(Math.floor(i / 10)).padStart(5, "0")}.m${i % 10}`;
}

async function main(): Promise<void> {
  const socks: Socket[] = await Promise.all(
    Array.from({ length: CONNECTIONS }, () => new Promise<Socket>((res, rej) => {
      const s = connect(PORT, "127.0.0.1", () => res(s));
      s.on("error", rej);
    })),
  );
  const names = Array.from({ length: SERIES }, (_, i) => name(i));
  const t0 = Date.now();
  for (let p = 0; p < POINTS; p++) {
    const ts = FIRST + p * STEP;
    const per = Math.ceil(SERIES / CONNECTIONS);
    const waits: Promise<void>[] = [];
    for (let c = 0; c < CONNECTIONS; c++) {
      let text = "";
      for (let i = c * per; i < Math.min(SERIES, (c + 1) * per); i++) text += `${names[i]} ${valueAt(i, p)} ${ts}\n`;
      if (!socks[c]!.write(text)) waits.push(new Promise((r) => socks[c]!.once("drain", () => r())));
    }
    if (waits.length > 0) await Promise.all(waits);
  }
  await Promise.all(socks.map((s) => new Promise<void>((r) => s.end(() => r()))));
  console.log(`done ${SERIES * POINTS} ${Date.now() - t0}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
