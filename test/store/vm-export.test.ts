/**
 * `loupe export --remote-write URL` (issue 16): a local store's history into a real VictoriaMetrics.
 * A first run is killed (SIGKILL to the PID this test started) part way; the same command resumes
 * from its state file and every point arrives; a rerun sends nothing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.js";
import { silentLogger } from "../../src/lib/logger.js";
import { runCli } from "../../src/cli.js";
import { migrate, openDatabase, openStore } from "../../src/store/index.js";
import { startVictoriaMetrics, VM_BIN } from "../helpers/servers.js";
import { spawnLoupe } from "../helpers/spawn-loupe.js";
import { needs } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";
import { until } from "../forward/helpers.js";
import { withCleanup } from "./vm-helpers.js";

const SERIES = 20;
const POINTS = 2000;

/** Unique (series, timestamp) pairs and all rows VictoriaMetrics exports for the test's series. */
async function exported(vmUrl: string): Promise<{ unique: number; rows: number }> {
  const res = await fetch(`${vmUrl}/api/v1/export?${new URLSearchParams({ "match[]": '{__name__=~"hist\\\\..*"}' })}`);
  const seen = new Set<string>();
  let rows = 0;
  for (const line of (await res.text()).split("\n")) {
    if (line === "") continue;
    const e = JSON.parse(line) as { metric: Record<string, string>; timestamps: number[] };
    const key = JSON.stringify(Object.entries(e.metric).sort());
    for (const ts of e.timestamps) {
      rows++;
      seen.add(`${key}@${ts}`);
    }
  }
  return { unique: seen.size, rows };
}

test("loupe export --remote-write: counts equal, resume after kill, rerun adds nothing", { skip: needs(VM_BIN), timeout: 180_000 }, (t) => withCleanup(async (defer) => {
  const vm = await startVictoriaMetrics();
  defer(() => vm.stop());
  const dir = tempDir("loupe-vm-export-");
  const cfg = join(dir, "loupe.ini");
  writeFileSync(cfg, `[paths]\ndata = ${join(dir, "data")}\n`);
  const config = loadConfig({ configPath: cfg, env: {} });
  const db = openDatabase(config.database.path);
  migrate(db);
  const store = await openStore(db, { store: config.store, retention: config.retention, walPath: `${config.database.path}.wal`, log: silentLogger, tuning: { timers: false } });
  const t0 = Date.now() - 10 * 86_400_000;
  for (let s = 0; s < SERIES; s++) {
    const batch = Array.from({ length: POINTS }, (_, i) => ({ name: `hist.s${s}.value`, ...(s % 4 === 0 ? { tags: { dc: "eu" } } : {}), ts: t0 + i * 60_000, value: s * 1000 + i / 4 }));
    await store.write(batch);
  }
  await store.close();
  db.close();
  const url = `${vm.url}/api/v1/write`;
  const state = join(dir, "state.json");

  // a first run, killed once some batches were acknowledged
  const child = spawnLoupe(["export", "--remote-write", url, "--config", cfg, "--state", state, "--batch", "100"]);
  await until("a batch acknowledged", () => existsSync(state) || undefined, 60_000, 20);
  process.kill(child.child.pid!, "SIGKILL");
  await child.exited;
  const partial = JSON.parse(readFileSync(state, "utf8")) as { done: boolean; points: number };
  assert.equal(partial.done, false, "killed before the end");
  assert.ok(partial.points > 0 && partial.points < SERIES * POINTS, `state after kill: ${partial.points} points`);

  const out: string[] = [];
  const io = { out: (s: string) => void out.push(s), err: (s: string) => void out.push(s) };
  assert.equal(await runCli(["export", "--remote-write", url, "--config", cfg, "--state", state, "--batch", "1000"], io), 0, out.join("\n"));
  assert.match(out.join("\n"), /exported \d+ points \(40000 in all\) of 20 series/);
  const first = await until("every point in VictoriaMetrics", async () => {
    const e = await exported(vm.url);
    return e.unique === SERIES * POINTS ? e : undefined;
  }, 30_000, 300);
  // a batch in flight when killed may arrive twice, never more
  assert.ok(first.rows - first.unique <= 100, `rows ${first.rows}, unique ${first.unique}`);

  out.length = 0;
  assert.equal(await runCli(["export", "--remote-write", url, "--config", cfg, "--state", state], io), 0, out.join("\n"));
  assert.match(out.join("\n"), /nothing to do: 40000 points already exported/);
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(await exported(vm.url), first, "the rerun added nothing");
}));
