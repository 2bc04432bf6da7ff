// Forwarding: the disk queue (append with fsync per batch, peek + ack) and the graphite forwarder end to
// end into a TCP receiver in this process (queue → batches of 5,000 → one connection per batch).
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DiskQueue } from "../../src/lib/disk-queue.js";
import { loadConfig } from "../../src/config/index.js";
import { systemClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import { MetricsRegistry } from "../../src/lib/metrics.js";
import type { Sample } from "../../src/model/index.js";
import { encodeSamples, startForwarders } from "../../src/forward/index.js";
import { printTable } from "./_table.js";

const POINTS = Number(process.env["BENCH_FORWARD_POINTS"] ?? 1_000_000);
const BATCH = 1000;
const dir = mkdtempSync(join(tmpdir(), "loupe-bench-forward-"));
const samples = (n: number, t0: number): Sample[] => Array.from({ length: n }, (_, i) => ({ name: `servers.web${i % 50}.cpu.cpu${i % 8}.user`, ts: t0 + i, value: i * 0.5 }));
const batches = Array.from({ length: POINTS / BATCH }, (_, b) => samples(BATCH, b * BATCH));

const rows: Array<[string, number, number]> = [];
const time = (name: string, points: number, fn: () => void): void => {
  const t = performance.now();
  fn();
  const s = (performance.now() - t) / 1000;
  rows.push([name, points / s, s * 1000]);
};

let encoded: Buffer[] = [];
time(`encode ${BATCH}-point records`, POINTS, () => (encoded = batches.map(encodeSamples)));
const q = DiskQueue.open({ dir: join(dir, "q"), maxBytes: 4 * 2 ** 30, maxAgeMs: 0 });
time(`append, fsync per ${BATCH}-point record`, POINTS, () => {
  for (const e of encoded) q.append([{ payload: e, count: BATCH }]);
});
time("peek 5,000 points + ack", POINTS, () => {
  while (q.stats().records > 0) q.ack(q.peek({ maxItems: 5000 }).length);
});
q.close();

let lines = 0;
const receiver = createServer({ allowHalfOpen: true }, (s) => {
  s.on("data", (b: Buffer) => {
    for (const c of b) if (c === 10) lines++;
  });
  s.on("end", () => s.end());
});
await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
const port = (receiver.address() as AddressInfo).port;
const config = loadConfig({ text: `[paths]\ndata = ${join(dir, "fwd")}\n[forward.g]\naddr = 127.0.0.1:${port}\nbatch_size = 5000\nbatch_max_wait = 10ms\nqueue_max_bytes = 4GB\n`, env: {} });
const fw = startForwarders({ config, log: silentLogger, clock: systemClock, metrics: new MetricsRegistry() });
const t0 = performance.now();
for (const b of batches) fw.write(b);
const queued = performance.now();
while (fw.status()[0]!.sent < POINTS) await new Promise((r) => setTimeout(r, 20));
const s = (performance.now() - t0) / 1000;
rows.push(["graphite forwarder end to end (enqueue → receiver)", POINTS / s, s * 1000]);
rows.push(["  of which enqueue (filter, encode, append + fsync)", POINTS / ((queued - t0) / 1000), queued - t0]);
await fw.stop();
receiver.close();
rmSync(dir, { recursive: true, force: true });
if (lines !== POINTS) throw new Error(`receiver got ${lines} lines, expected ${POINTS}`);
printTable("Forwarding", `${POINTS.toLocaleString("en-US")} points (50 hosts × 8 CPUs names), batches of ${BATCH}; the disk queue on the temp dir's file system.`, ["step", "points/s", "ms"], rows);
