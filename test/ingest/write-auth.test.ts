/**
 * Writes with authentication on (the whole of Loupe through the auth tests' harness): /write and
 * /api/v2/write need a write-scoped API token in any of InfluxDB's forms, and the influx CLI's
 * username/password carries one.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { githubLogin, startHarness } from "../auth/harness.js";
import { needs } from "../helpers/system.js";

test("writes need a write token: Token header, u/p, basic (influx CLI); read tokens and no token are refused", async () => {
  const h = await startHarness("[export.prometheus]\ninclude_series = true");
  h.gh.addUser({ id: 1, login: "boss" });
  const admin = (await githubLogin(h, "boss")).client;
  const csrf = await admin.token();
  const create = async (name: string, scope: string): Promise<string> => {
    const r = await admin.send("POST", "/api/admin/tokens", JSON.stringify({ name, scope }), { "content-type": "application/json", "x-csrf-token": csrf });
    assert.equal(r.status, 201);
    return ((await r.json()) as { token: string }).token;
  };
  const write = await create("telegraf", "write");
  const read = await create("grafana", "read");
  const now = Math.floor(Date.now() / 1000);
  const post = (path: string, headers: Record<string, string>, body: string) => fetch(`${h.base}${path}`, { method: "POST", headers, body });

  assert.equal((await post("/write?db=x&precision=s", {}, `auth_none v=1 ${now}`)).status, 401);
  assert.equal((await post("/write?db=x&precision=s", { authorization: `Token ${read}` }, `auth_read v=1 ${now}`)).status, 403);
  assert.equal((await post("/write?db=x&precision=s", { authorization: `Token ${write}` }, `auth_token v=1 ${now}`)).status, 204);
  assert.equal((await post(`/write?db=x&precision=s&u=telegraf&p=${encodeURIComponent(write)}`, {}, `auth_up v=2 ${now}`)).status, 204);
  assert.equal((await post("/api/v2/write?bucket=b&org=o&precision=s", { authorization: `Token ${write}` }, `auth_v2 v=3 ${now}`)).status, 204);
  assert.equal((await fetch(`${h.base}/ping`)).status, 204, "/ping stays public");

  if (needs("/usr/bin/influx") === undefined) {
    const port = new URL(h.base).port;
    // async: Loupe runs in this process, a synchronous spawn would block it
    await promisify(execFile)("/usr/bin/influx", ["-host", "127.0.0.1", "-port", port, "-username", "telegraf", "-password", write, "-database", "x", "-precision", "s", "-execute", `INSERT auth_cli v=4 ${now}`], { timeout: 30_000 });
  }

  const text = await (await admin.get("/metrics")).text();
  for (const want of [/^auth_token_v 1$/m, /^auth_up_v 2$/m, /^auth_v2_v 3$/m]) assert.match(text, want);
  if (needs("/usr/bin/influx") === undefined) assert.match(text, /^auth_cli_v 4$/m);
  assert.doesNotMatch(text, /auth_none|auth_read/);
});
