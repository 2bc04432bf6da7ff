/**
 * An import killed with SIGKILL half-way (an export file of 30 series × 10 days) and run again
 * leaves every point exactly once: the raw tier holds as many points as the file.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { loadConfig } from "../../src/config/index.js";
import { PROJECT_ROOT } from "../../src/lib/package-info.js";
import { silentLogger } from "../../src/lib/logger.js";
import { migrate, openDatabase, openStore } from "../../src/store/index.js";
import { TSX_LOADER } from "../helpers/spawn-loupe.js";
import { countsOf, loupe, loupeEnv } from "./harness.js";

const SERIES = 30;
const STEP_S = 60;

test("an import killed half-way and run again stores every point exactly once", async () => {
  const env = loupeEnv("loupe-imp-kill-");
  const now = Math.floor(Date.now() / 1000);
  const start = now - 10 * 86400 - (now % STEP_S);
  const lines = ["# DDL", "CREATE DATABASE t WITH NAME autogen", "# DML", "# CONTEXT-DATABASE:t", "# CONTEXT-RETENTION-POLICY:autogen"];
  let total = 0;
  for (let s = 0; s < SERIES; s++)
    for (let t = start; t < now - 60; t += STEP_S, total++) lines.push(`app,host=h${s} load=${((t / STEP_S) % 1000) / 10} ${t}000000000`);
  const file = join(env.dir, "export.lp.gz");
  writeFileSync(file, gzipSync(lines.join("\n")));
  const state = join(env.dir, "loupe.db.import-influx.json");

  const child = spawn(process.execPath, ["--import", TSX_LOADER, join(PROJECT_ROOT, "src", "entry.ts"), "import", "influx", "--file", file, "--batch", "20000", "--config", env.configFile], { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // killed once some batches are written, before the end
  const deadline = Date.now() + 60_000;
  let position = 0;
  while (Date.now() < deadline) {
    if (existsSync(state)) position = (JSON.parse(readFileSync(state, "utf8")) as { position?: number }).position ?? 0;
    if (position > 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(position > 0, "the first run wrote a batch");
  process.kill(child.pid!, "SIGKILL");
  await exited;
  assert.ok(position < lines.length, `killed before the end (line ${position} of ${lines.length})`);

  const rest = await loupe(["import", "influx", "--file", file, "--batch", "20000", "--config", env.configFile]);
  assert.equal(rest.code, 0, rest.err);
  assert.ok(countsOf(rest.out).added < total, "the rerun resumed rather than starting over");

  const config = loadConfig({ configPath: env.configFile, env: {} });
  const db = openDatabase(config.database.path);
  migrate(db);
  const store = await openStore(db, { store: config.store, retention: config.retention, walPath: `${config.database.path}.wal`, log: silentLogger, tuning: { timers: false } });
  try {
    assert.equal(store.stats().pointsByTier.raw, total, "every point once");
    assert.equal(store.findSeries("app.load").length, SERIES);
  } finally {
    await store.close();
    db.close();
  }
});
