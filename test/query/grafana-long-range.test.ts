/**
 * Issue 14's "Done when": a Grafana-shaped request (form POST, aliasSub wrapper, maxDataPoints=300)
 * over the last 2 days of a 10-second series answers ≥ 290 points (graphite-web: 298 of 580 s),
 * read from the full-resolution data, not the hourly tier (48 points before).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type { RequestHandler } from "express";
import { defaultConfig } from "../../src/config/index.js";
import { FakeClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import { createApp, startHttpServer, OPEN_PRINCIPAL } from "../../src/http/index.js";
import { renderRoutes } from "../../src/http/routes/api/render.js";
import { migrate, openDatabase, openStore } from "../../src/store/index.js";
import type { Sample } from "../../src/model/index.js";
import { tempDir } from "../helpers/tmp.js";

const N = 1795132800_000;
const DAY = 86_400_000;

test("Grafana over 2 days at maxDataPoints=300 gets graphite-web's 298 points of 580 s from 10 s data", async () => {
  const dir = tempDir("loupe-grafana-2d-");
  const path = join(dir, "loupe.db");
  const db = openDatabase(path);
  migrate(db);
  const cfg = defaultConfig();
  const clock = new FakeClock(N - 2 * DAY - 60_000);
  const store = await openStore(db, { store: cfg.store, retention: cfg.retention, walPath: `${path}.wal`, log: silentLogger, clock, tuning: { timers: false } });
  const open: RequestHandler = (_req, res, next) => {
    res.locals["principal"] = OPEN_PRINCIPAL;
    next();
  };
  try {
    for (let t = N - 2 * DAY - 60_000; t < N; t += 3_600_000) {
      const batch: Sample[] = [];
      for (let k = t; k < Math.min(N, t + 3_600_000); k += 10_000) batch.push({ name: "servers.web1.loadavg.01", ts: k, value: (k / 10_000) % 7 });
      clock.set(t);
      await store.write(batch);
    }
    clock.set(N);
    const app = createApp({ log: silentLogger, before: [open], routers: [renderRoutes({ store, clock })] });
    const http = await startHttpServer(app, "127.0.0.1", 0);
    try {
      const body = new URLSearchParams([
        ["target", "aliasSub(servers.web1.loadavg.01, '^servers\\.', '')"],
        ["from", "-2d"],
        ["until", "now"],
        ["format", "json"],
        ["maxDataPoints", "300"],
      ]);
      const res = await fetch(`http://127.0.0.1:${http.port}/render`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: body.toString() });
      assert.equal(res.status, 200);
      const [s] = (await res.json()) as Array<{ target: string; datapoints: Array<[number | null, number]> }>;
      assert.equal(s!.target, "web1.loadavg.01");
      assert.ok(s!.datapoints.length >= 290, `${s!.datapoints.length} points`);
      assert.equal(s!.datapoints.length, 298);
      assert.equal(s!.datapoints[1]![1] - s!.datapoints[0]![1], 580);
      assert.equal(s!.datapoints[0]![1], N / 1000 - 172_800 + 220);
    } finally {
      await http.close();
    }
  } finally {
    await store.close();
    db.close();
  }
});
