import { test } from "node:test";
import assert from "node:assert/strict";
import { Router } from "express";
import { createApp, healthRoutes, startHttpServer, access } from "../../src/http/index.js";
import { silentLogger } from "../../src/lib/logger.js";
import { BadRequestError } from "../../src/lib/errors.js";

test("healthz answers without auth; errors map to {error:{code,message}}; unknown routes 404", async () => {
  const extra = Router();
  extra.get("/api/boom", access("viewer"), () => {
    throw new BadRequestError("bad thing", "bad_thing");
  });
  extra.get("/api/crash", access("public"), () => {
    throw new Error("internal detail");
  });
  const app = createApp({ log: silentLogger, before: [], routers: [healthRoutes({ version: "1.2.3", startedAt: Date.now() }), extra] });
  const http = await startHttpServer(app, "127.0.0.1", 0);
  try {
    const base = `http://127.0.0.1:${http.port}`;
    const h = await fetch(`${base}/healthz`);
    assert.equal(h.status, 200);
    assert.equal(((await h.json()) as { version: string }).version, "1.2.3");

    // No principal set (no auth middleware): viewer route is 401
    const u = await fetch(`${base}/api/boom`);
    assert.equal(u.status, 401);
    assert.deepEqual(await u.json(), { error: { code: "unauthorized", message: "authentication required" } });

    const c = await fetch(`${base}/api/crash`);
    assert.equal(c.status, 500);
    assert.deepEqual(await c.json(), { error: { code: "internal", message: "internal error" } });

    const n = await fetch(`${base}/nope`);
    assert.equal(n.status, 404);
    assert.equal(((await n.json()) as { error: { code: string } }).error.code, "not_found");
  } finally {
    await http.close();
  }
});

test("a known error keeps its status and code", async () => {
  const r = Router();
  r.get("/x", access("public"), () => {
    throw new BadRequestError("bad thing", "bad_thing");
  });
  const app = createApp({ log: silentLogger, before: [], routers: [r] });
  const http = await startHttpServer(app, "127.0.0.1", 0);
  try {
    const res = await fetch(`http://127.0.0.1:${http.port}/x`);
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: { code: "bad_thing", message: "bad thing" } });
  } finally {
    await http.close();
  }
});
