// Child process of crash.test.ts: ingests ticks through the store as fast as it can and prints
// "ack <seq>" once each write is acknowledged (durable). The parent SIGKILLs it at a random moment.
//   node --import tsx crash-child.ts <db path> <first seq> <series> <fsync> [samples|resolved]
// `resolved` writes every tick after the first through the columnar fast path (writeResolved).
import { defaultConfig } from "../../src/config/index.js";
import { silentLogger } from "../../src/lib/logger.js";
import { migrate, openDatabase, openStore } from "../../src/store/index.js";

export const T0 = Date.UTC(2026, 10, 25);

/** The value of series k at tick seq (the parent checks these exactly). */
export function valueAt(k: number, seq: number): number {
  return k % 3 === 0 ? seq * 1000 + k : k % 3 === 1 ? Math.round(Math.sin(seq / 10) * 1e4) / 100 : k;
}

async function main(): Promise<void> {
  const [path, first, seriesArg, fsync, mode] = process.argv.slice(2);
  const cfg = defaultConfig();
  const db = openDatabase(path!);
  migrate(db);
  const store = await openStore(db, {
    store: { ...cfg.store, chunk_points: 16, fsync: (fsync ?? "batch") as "batch" },
    retention: cfg.retention,
    walPath: `${path}.wal`,
    log: silentLogger,
    tuning: { walSegmentBytes: 16 * 1024, rollupBuckets: [8, 4], commitChunks: 64 },
  });
  const series = Number(seriesArg);
  process.stdout.write("ready\n");
  const ids = new Float64Array(series);
  const ts = new Float64Array(series);
  const vs = new Float64Array(series);
  let resolved = false;
  for (let seq = Number(first); ; seq++) {
    if (resolved) {
      for (let k = 0; k < series; k++) {
        ts[k] = T0 + seq * 1000;
        vs[k] = valueAt(k, seq);
      }
      await store.writeResolved!(ids, ts, vs, series);
    } else {
      const batch = [];
      for (let k = 0; k < series; k++) batch.push({ name: `crash.s${k}`, ts: T0 + seq * 1000, value: valueAt(k, seq) });
      await store.write(batch);
      if (mode === "resolved") {
        for (let k = 0; k < series; k++) ids[k] = store.seriesId!(`crash.s${k}`)!;
        resolved = true;
      }
    }
    process.stdout.write(`ack ${seq}\n`);
  }
}

if (process.argv[1]?.endsWith("crash-child.ts")) await main();
