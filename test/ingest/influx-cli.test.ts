/** Real peer: the InfluxDB 1.x `influx` CLI (Debian influxdb-client) writes through /write. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RequestHandler } from "express";
import { createApp, startHttpServer, OPEN_PRINCIPAL } from "../../src/http/index.js";
import { writeRoutes } from "../../src/http/routes/api/write.js";
import { systemClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import { needs } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";
import { openTestStore } from "./test-store.js";

function run(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("/usr/bin/influx", args, { stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 });
    let out = "";
    child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, out }));
  });
}

test("the influx CLI writes through /write (INSERT and -import) and the points arrive", { skip: needs("/usr/bin/influx") }, async () => {
  const dir = tempDir("loupe-influx-");
  const store = await openTestStore(dir);
  const before: RequestHandler[] = [(_req, res, next) => ((res.locals["principal"] = OPEN_PRINCIPAL), next())];
  const app = createApp({ log: silentLogger, before, routers: [writeRoutes({ sink: store, clock: systemClock, log: silentLogger, maxBodySize: 1 << 20 })] });
  const http = await startHttpServer(app, "127.0.0.1", 0);
  const base = ["-host", "127.0.0.1", "-port", String(http.port)];
  try {
    const ins = await run([...base, "-database", "loupe", "-precision", "s", "-execute", "INSERT cpu,host=web1 usage_user=12.5,usage_system=3i 1700000000"]);
    assert.equal(ins.code, 0, ins.out);

    const file = join(dir, "import.txt");
    writeFileSync(file, "# DML\n# CONTEXT-DATABASE: loupe\nmem,host=web1 used=1024i,free=2048i 1700000010\nmem,host=web1 used=1000i,free=2072i 1700000020\n");
    const imp = await run([...base, "-import", "-path", file, "-precision", "s"]);
    assert.equal(imp.code, 0, imp.out);
    assert.match(imp.out, /Processed 2 inserts/);
    assert.match(imp.out, /Failed 0 inserts/);

    const user = store.getSeries("cpu.usage_user;host=web1");
    assert.ok(user, "cpu.usage_user;host=web1 stored");
    assert.deepEqual(store.readRaw(user.id, 0, 2e12), [{ ts: 1_700_000_000_000, value: 12.5 }]);
    const used = store.getSeries("mem.used;host=web1")!;
    assert.deepEqual(store.readRaw(used.id, 0, 2e12), [
      { ts: 1_700_000_010_000, value: 1024 },
      { ts: 1_700_000_020_000, value: 1000 },
    ]);

    // a string field is refused with the line number, and nothing from that line is stored
    const bad = await run([...base, "-database", "loupe", "-execute", 'INSERT note,host=web1 text="hello"']);
    assert.match(bad.out, /line 1: string field text/);
    assert.equal(store.findSeries("note.*").length, 0);
  } finally {
    await http.close();
    await store.close();
  }
});
