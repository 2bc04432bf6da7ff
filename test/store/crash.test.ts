// Crash safety: a child ingests through the store and is killed with SIGKILL at a random moment;
// after a restart every point acknowledged before the kill reads back exactly. Several runs on the
// same database, each killed at a different moment (during WAL flushes, chunk commits, segment
// deletion), and a final clean open checks everything again. The 1m tier, made as rows are sealed,
// (its 5-minute level) must agree with the raw points after every restart, and `loupe db check` must find nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { TSX_LOADER } from "../helpers/spawn-loupe.js";
import { tempDir } from "../helpers/tmp.js";
import { checkDatabase } from "../../src/store/index.js";
import { openTestStore } from "./helpers.js";
import { T0, valueAt } from "./crash-child.js";

const SERIES = 20;
const CHILD = join(import.meta.dirname, "crash-child.ts");

function runUntilKilled(path: string, first: number, killAfterMs: number, fsync: string, mode: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", TSX_LOADER, CHILD, path, String(first), String(SERIES), fsync, mode], { stdio: ["ignore", "pipe", "pipe"] });
    let lastAck = first - 1;
    let buf = "";
    let err = "";
    let timer: NodeJS.Timeout | undefined;
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    child.stdout.on("data", (b: Buffer) => {
      buf += b.toString();
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === "ready" && timer === undefined) timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
        const m = /^ack (\d+)$/.exec(line);
        if (m) lastAck = Number(m[1]);
      }
    });
    child.on("exit", (code, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      if (signal !== "SIGKILL") reject(new Error(`child exited ${code} ${signal}: ${err}`));
      else resolve(lastAck);
    });
  });
}

async function checkAll(dir: string, name: string, acked: number): Promise<number> {
  const o = await openTestStore(dir, name);
  try {
    for (let k = 0; k < SERIES; k++) {
      const s = o.store.getSeries(`crash.s${k}`);
      assert.ok(s, `series crash.s${k} exists`);
      const pts = o.store.readRaw(s.id, T0, T0 + (acked + 1) * 1000);
      assert.equal(pts.length, acked + 1, `crash.s${k}: ${pts.length} of ${acked + 1} acknowledged points`);
      for (let seq = 0; seq <= acked; seq++) {
        const p = pts[seq]!;
        assert.equal(p.ts, T0 + seq * 1000);
        assert.equal(p.value, valueAt(k, seq), `crash.s${k} at ${seq}`);
      }
    }
    // the 1m tier's 5-minute level (made as rows are sealed, committed with them) holds every stored
    // point once: its buckets equal the raw points' (a row committed without its chunk, or twice, would differ)
    const FIVE = 300_000;
    const whole = T0 + Math.floor(((acked + 1) * 1000) / FIVE) * FIVE;
    for (let k = 0; k < SERIES; k += 7) {
      const id = o.store.getSeries(`crash.s${k}`)!.id;
      const raw = o.store.readRaw(id, T0, whole);
      const sum = o.store.select([id], T0, whole, { step: FIVE, consolidate: "sum" });
      assert.equal(sum.tier, "1m");
      sum.timestamps.forEach((b, i) => {
        const xs = raw.filter((p) => p.ts >= b && p.ts < b + FIVE).map((p) => p.value);
        const want = xs.reduce((a, x) => a + x, 0);
        const got = sum.series[0]!.values[i] ?? 0;
        assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `crash.s${k} 5-minute bucket ${i}: level sum ${got}, raw ${want}`);
      });
    }
    assert.deepEqual(checkDatabase(o.db).problems, []);
    // what was written past the last ack (not acknowledged) may or may not be there; nothing else is
    const extra = o.store.readRaw(o.store.getSeries("crash.s0")!.id, T0, T0 + 1e9);
    return extra.length - 1;
  } finally {
    await o.close();
  }
}

for (const [fsync, mode] of [["batch", "samples"], ["always", "samples"], ["batch", "resolved"]] as const) {
  test(`SIGKILL at random moments loses no acknowledged point (fsync = ${fsync}${mode === "resolved" ? ", columnar writeResolved" : ""})`, async (t) => {
    const dir = tempDir("loupe-crash-");
    const name = "crash.db";
    const path = join(dir, name);
    let next = 0;
    let acked = -1;
    const runs = 4;
    for (let run = 0; run < runs; run++) {
      const killAfter = 150 + Math.floor(Math.random() * 900);
      const last = await runUntilKilled(path, next, killAfter, fsync, mode);
      if (last >= next) acked = last;
      t.diagnostic(`run ${run}: killed after ${killAfter} ms, ${last - next + 1} ticks acknowledged in this run (${(last + 1) * SERIES} points in total)`);
      // the restarted store replays the WAL; a later run continues after what is stored
      const stored = await checkAll(dir, name, acked);
      next = Math.max(acked, stored) + 1;
    }
    assert.ok(acked > 0, "the child acknowledged writes before being killed");
  });
}
