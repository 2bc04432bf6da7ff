// The hourly rollup builders' state is saved at a clean stop and restored at start (no rebuild
// from raw rows); reads give the same answers as a start that rebuilds; a torn or stale state is
// ignored and rebuilt from raw rows.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createLogger } from "../../src/lib/logger.js";
import { tempDir } from "../helpers/tmp.js";
import { openTestStore } from "./helpers.js";

const dir = tempDir("loupe-rollup-state-");
const T0 = Date.UTC(2026, 10, 24);
const SERIES = 10;
const HOURS = 5; // fewer than the 12 buckets a builder needs to be written at a stop

function capture(): { lines: string[]; log: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, log: createLogger({ level: "info", format: "json", sink: { write: (l) => lines.push(l) } }) };
}

function ready(lines: string[]): Record<string, number> {
  const l = lines.map((x) => JSON.parse(x) as Record<string, unknown>).find((x) => x["msg"] === "store ready");
  assert.ok(l, "store ready logged");
  return l as Record<string, number>;
}

async function fill(name: string): Promise<void> {
  const o = await openTestStore(dir, name);
  for (let m = 0; m < HOURS * 60; m++) await o.store.write(Array.from({ length: SERIES }, (_, k) => ({ name: `rs.s${k}`, ts: T0 + m * 60_000, value: (m * 7 + k) % 13 })));
  await o.close();
}

async function hourly(name: string, log: ReturnType<typeof createLogger>): Promise<unknown> {
  const o = await openTestStore(dir, name, { log });
  const ids = o.store.findSeries("rs.*").map((s) => s.id);
  const r = o.store.select(ids, T0, T0 + HOURS * 3_600_000, { step: 3_600_000, consolidate: "avg" });
  await o.close();
  return r;
}

test("a start after a clean stop restores the rollup builders instead of rebuilding them; reads are the same", async () => {
  await fill("a.db");
  assert.ok(existsSync(join(dir, "a.db.wal", "rollup-state.bin")), "state saved at the stop");
  const restored = capture();
  const withState = await hourly("a.db", restored.log);
  const r1 = ready(restored.lines);
  assert.equal(r1["rollup_builders_restored"], SERIES);
  assert.equal(r1["rollup_chunks_rebuilt"], 0);

  // the same database started without the saved state rebuilds from raw rows and reads the same
  rmSync(join(dir, "a.db.wal", "rollup-state.bin"));
  const rebuilt = capture();
  const without = await hourly("a.db", rebuilt.log);
  const r2 = ready(rebuilt.lines);
  assert.equal(r2["rollup_builders_restored"], 0);
  assert.ok(r2["rollup_chunks_rebuilt"]! > 0);
  assert.deepEqual(withState, without);
});

test("a torn state file is ignored (logged) and the builders are rebuilt from raw rows", async () => {
  await fill("b.db");
  writeFileSync(join(dir, "b.db.wal", "rollup-state.bin"), Buffer.from("LOUPERS1\x01\x02\x03"));
  const c = capture();
  await hourly("b.db", c.log);
  assert.ok(c.lines.some((l) => l.includes("saved rollup state ignored")));
  assert.ok(ready(c.lines)["rollup_chunks_rebuilt"]! > 0);
  assert.equal(existsSync(join(dir, "b.db.wal", "rollup-state.bin")), true, "a new state was saved at the stop");
});

test("a state that no longer matches the database (newer raw rows written since) is not applied", async () => {
  await fill("c.db");
  const state = join(dir, "c.db.wal", "rollup-state.bin");
  const { readFileSync } = await import("node:fs");
  const old = readFileSync(state);
  // more points, then a stop (a new state); put the old state back: its raw end is stale
  const o = await openTestStore(dir, "c.db");
  await o.store.write(Array.from({ length: SERIES }, (_, k) => ({ name: `rs.s${k}`, ts: T0 + HOURS * 3_600_000 + 1000, value: 1 })));
  await o.close();
  writeFileSync(state, old);
  const c = capture();
  await hourly("c.db", c.log);
  assert.equal(ready(c.lines)["rollup_builders_restored"], 0);
});
