import { test } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { Router } from "express";
import { createApp, startHttpServer, access } from "../../src/http/index.js";
import { silentLogger } from "../../src/lib/logger.js";
import { Client, githubLogin, startHarness } from "./harness.js";

test("API tokens: created by an Admin, shown once, stored hashed, sent as Bearer / basic / Influx Token / u&p, scoped, revocable", async (t) => {
  const h = await startHarness();
  h.gh.addUser({ id: 1, login: "boss" });
  h.gh.addUser({ id: 2, login: "peon" });
  const admin = (await githubLogin(h, "boss")).client;
  const csrf = await admin.token();
  const create = async (name: string, scope: string): Promise<{ id: number; token: string; prefix: string }> => {
    const r = await admin.send("POST", "/api/admin/tokens", JSON.stringify({ name, scope }), { "content-type": "application/json", "x-csrf-token": csrf });
    assert.equal(r.status, 201);
    return (await r.json()) as { id: number; token: string; prefix: string };
  };
  const read = await create("grafana", "read");
  const write = await create("telegraf", "write");
  const bare = new Client(h.base);
  const whoWith = async (headers: Record<string, string>, query = ""): Promise<{ status: number; body: { kind?: string; role?: string; scope?: string; csrfToken?: unknown } }> => {
    const r = await bare.get(`/api/user${query}`, headers);
    return { status: r.status, body: r.status === 200 ? ((await r.json()) as { kind: string; role: string; scope: string }) : ((await r.json()) as object) };
  };

  await t.test("the token is shown once: listed without it, stored only as a hash", async () => {
    assert.match(read.token, /^loupe_[A-Za-z0-9_-]{43}$/);
    const list = (await (await admin.get("/api/admin/tokens")).json()) as Array<Record<string, unknown>>;
    assert.deepEqual(list.map((x) => x["name"]).sort(), ["grafana", "telegraf"]);
    assert.ok(list.every((x) => !("token" in x) && typeof x["prefix"] === "string"));
    assert.ok(!JSON.stringify(list).includes(read.token));
    const db = new Database(h.config.database.path, { readonly: true });
    const rows = db.prepare("SELECT * FROM api_tokens").all();
    db.close();
    assert.ok(!JSON.stringify(rows).includes(read.token) && !JSON.stringify(rows).includes(write.token));
  });

  await t.test("every credential form resolves to the token principal", async () => {
    const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;
    for (const [label, headers, query] of [
      ["Bearer", { authorization: `Bearer ${read.token}` }, ""],
      ["Influx Token", { authorization: `Token ${read.token}` }, ""],
      ["basic password", { authorization: basic("anything", read.token) }, ""],
      ["Influx u/p", {}, `?u=loupe&p=${encodeURIComponent(read.token)}`],
    ] as const) {
      const w = await whoWith({ ...headers }, query);
      assert.equal(w.status, 200, label);
      assert.deepEqual([w.body.kind, w.body.role, w.body.scope, w.body.csrfToken], ["token", "Viewer", "read", null], label);
    }
    const ww = await whoWith({ authorization: `Bearer ${write.token}` });
    assert.deepEqual([ww.body.role, ww.body.scope], ["Editor", "write"]);
  });

  await t.test("a wrong token is 401 (never a fallback to the session or anonymous)", async () => {
    const r = await admin.get("/api/user", { authorization: "Bearer loupe_wrongwrongwrongwrongwrongwrongwrongwrongwro" });
    assert.equal(r.status, 401);
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, "invalid_token");
    assert.equal((await whoWith({}, "?u=x&p=nope")).status, 401);
  });

  await t.test("tokens never reach Admin routes; token requests need no CSRF token", async () => {
    const r = await bare.send("POST", "/api/admin/tokens", JSON.stringify({ name: "x", scope: "write" }), { "content-type": "application/json", authorization: `Bearer ${write.token}` });
    assert.equal(r.status, 403, "write token is Editor, not Admin (and no CSRF was asked)");
    const u = await bare.get("/api/admin/users", { authorization: `Bearer ${read.token}` });
    assert.equal(u.status, 403);
  });

  await t.test("a Viewer user cannot manage tokens", async () => {
    const peon = (await githubLogin(h, "peon")).client;
    const r = await peon.send("POST", "/api/admin/tokens", JSON.stringify({ name: "x", scope: "read" }), { "content-type": "application/json", "x-csrf-token": await peon.token() });
    assert.equal(r.status, 403);
  });

  await t.test("revoked tokens stop working at once", async () => {
    const r = await admin.send("DELETE", `/api/admin/tokens/${read.id}`, undefined, { "x-csrf-token": csrf });
    assert.equal(r.status, 204);
    assert.equal((await whoWith({ authorization: `Bearer ${read.token}` })).status, 401);
    assert.equal((await whoWith({ authorization: `Bearer ${write.token}` })).status, 200);
  });

  await t.test("past login_max_attempts wrong tokens per minute an address gets 429; a right token still works", async () => {
    let last = 0;
    for (let i = 0; i < 12; i++) {
      const r = await bare.get("/api/user", { authorization: `Bearer loupe_wrong${i}`.padEnd(40, "x") });
      await r.arrayBuffer();
      last = r.status;
    }
    assert.equal(last, 429);
    assert.equal((await whoWith({ authorization: `Bearer ${write.token}` })).status, 200);
  });

  await t.test("tokens never appear in logs", () => {
    const all = h.logs.join("");
    assert.ok(all.includes("api token created"));
    assert.ok(!all.includes(read.token) && !all.includes(write.token));
  });
});

test("access(): a read-scoped token is refused on editor routes, a write token allowed; roles rank Viewer < Editor < Admin", async () => {
  const r = Router();
  r.post("/e", access("editor"), (_req, res) => void res.json({ ok: true }));
  r.get("/v", access("viewer"), (_req, res) => void res.json({ ok: true }));
  r.get("/a", access("admin"), (_req, res) => void res.json({ ok: true }));
  const as = (p: object) => (_req: unknown, res: { locals: Record<string, unknown> }, next: () => void) => {
    res.locals["principal"] = p;
    next();
  };
  const cases: Array<[string, object, string, string, number]> = [
    ["read token on viewer route", { kind: "token", role: "Viewer", scope: "read" }, "GET", "/v", 200],
    ["read token on editor route", { kind: "token", role: "Viewer", scope: "read" }, "POST", "/e", 403],
    ["write token on editor route", { kind: "token", role: "Editor", scope: "write" }, "POST", "/e", 200],
    ["write token on admin route", { kind: "token", role: "Editor", scope: "write" }, "GET", "/a", 403],
    ["viewer on editor route", { kind: "user", role: "Viewer" }, "POST", "/e", 403],
    ["editor on editor route", { kind: "user", role: "Editor" }, "POST", "/e", 200],
    ["editor on admin route", { kind: "user", role: "Editor" }, "GET", "/a", 403],
    ["admin on admin route", { kind: "user", role: "Admin" }, "GET", "/a", 200],
  ];
  for (const [name, p, method, path, status] of cases) {
    const app = createApp({ log: silentLogger, before: [as(p) as never], routers: [r] });
    const http = await startHttpServer(app, "127.0.0.1", 0);
    try {
      const res = await fetch(`http://127.0.0.1:${http.port}${path}`, { method });
      assert.equal(res.status, status, name);
    } finally {
      await http.close();
    }
  }
});
