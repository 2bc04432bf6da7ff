/**
 * `loupe status --config F` (spawned CLI) next to a Loupe: while one runs it holds the data dir, so the
 * CLI asks it over HTTP (open mode on loopback: no token needed); once it stopped, the CLI reads the
 * database read-only and says so. A missing database is an error naming the path.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.js";
import { silentLogger } from "../../src/lib/logger.js";
import { startLoupe } from "../../src/main.js";
import { spawnLoupe } from "../helpers/spawn-loupe.js";
import { freePort } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";

async function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const p = spawnLoupe(["status", ...args]);
  let out = "";
  p.child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  const { code } = await p.exited;
  return { code, out, err: p.stderr() };
}

test("loupe status: live from the Loupe holding the data dir, offline (read-only) once it stopped", async () => {
  const dir = tempDir("loupe-status-cli-");
  const port = await freePort();
  const file = join(dir, "loupe.ini");
  writeFileSync(file, `[server]\nhttp_addr = 127.0.0.1\nhttp_port = ${port}\n[paths]\ndata = ${join(dir, "data")}\n[ingest.graphite]\ntcp_addr =\nudp_addr =\n[store]\nfsync = off\n`);
  const config = loadConfig({ configPath: file, env: {} });
  const loupe = await startLoupe(config, silentLogger);
  let stopped = false;
  try {
    const now = Date.now();
    const lines = Array.from({ length: 30 }, (_, i) => `cli_test,host=h${i % 3} value=${i} ${now - (30 - i) * 1000}`);
    const w = await fetch(`http://127.0.0.1:${port}/write?db=x&precision=ms`, { method: "POST", body: lines.join("\n") });
    assert.equal(w.status, 204);

    const live = await cli(["--config", file]);
    assert.equal(live.code, 0, live.err);
    assert.match(live.out, /status \(live, up/);
    assert.match(live.out, /^influx\s+30\s/m);
    assert.match(live.out, /^Collector\s+Runs/m);

    await loupe.stop();
    stopped = true;
    const offline = await cli(["--config", file]);
    assert.equal(offline.code, 0, offline.err);
    assert.match(offline.out, /offline: read from the data dir, no Loupe running/);
    // the stop flushed the heads into chunks: the raw tier holds them
    assert.match(offline.out, /^raw\s+15d\s+[1-9]\d*\s+\d+\s+\d/m);
    assert.match(offline.out, /^Series: \d+ of 20000; \d+ created in the last 24 h/m);
    assert.match(offline.out, /only a running Loupe knows them/);
    assert.match(offline.out, /^Tables and indexes \(dbstat\):$/m);
    assert.match(offline.out, /^… and \d+ smaller \(/m);
  } finally {
    if (!stopped) await loupe.stop();
  }

  const missing = join(dir, "none.ini");
  writeFileSync(missing, `[paths]\ndata = ${join(dir, "empty")}\n`);
  const none = await cli(["--config", missing]);
  assert.equal(none.code, 1);
  assert.match(none.err, /no database at .*empty\/loupe\.db/);
});
