// Shared request validation (src/http/validate.ts) and the admin routes that use it: a bad body, form
// field or path parameter is a 400 with a stable code naming the field, never a 500 or a change.
import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { loadConfig } from "../../src/config/index.js";
import { BadRequestError } from "../../src/lib/errors.js";
import { silentLogger } from "../../src/lib/logger.js";
import { startLoupe } from "../../src/main.js";
import { parseInput } from "../../src/http/validate.js";
import { tempDir } from "../helpers/tmp.js";

const schema = z.object({ name: z.string().min(1), scope: z.enum(["read", "write"]) }).strict();

const GOOD: Array<[string, unknown, unknown]> = [
  ["a valid body", { name: "ci", scope: "read" }, { name: "ci", scope: "read" }],
  ["the other scope", { name: "x", scope: "write" }, { name: "x", scope: "write" }],
];

for (const [name, input, expected] of GOOD) {
  test(`parseInput accepts ${name}`, () => {
    assert.deepEqual(parseInput(schema, input), expected);
  });
}

const BAD: Array<[string, unknown, string | undefined, RegExp]> = [
  ["a missing field, named", { scope: "read" }, undefined, /^name: /],
  ["a bad enum value, named", { name: "ci", scope: "admin" }, undefined, /^scope: /],
  ["every bad field, joined", { name: "", scope: 1 }, undefined, /^name: .*; scope: /],
  ["no body at all, as `body`", undefined, undefined, /^body: /],
  ["an unknown field", { name: "ci", scope: "read", extra: 1 }, undefined, /extra/],
  ["with the caller's code", "x", "bad_param", /^body: /],
];

for (const [name, input, code, message] of BAD) {
  test(`parseInput refuses ${name}`, () => {
    assert.throws(
      () => parseInput(schema, input, code),
      (err: unknown) => err instanceof BadRequestError && err.code === (code ?? "invalid_body") && message.test(err.message),
    );
  });
}

test("admin routes: a bad JSON body, form field or id is a 400 invalid_body naming it; nothing changes", async () => {
  const dir = tempDir("loupe-validate-");
  // no login provider: Loupe serves loopback only and every request is the local Admin
  const loupe = await startLoupe(loadConfig({ text: `[server]\nhttp_addr = 127.0.0.1\nhttp_port = 0\n[paths]\ndata = ${dir}\n[ingest.graphite]\nenabled = false\n`, env: {} }), silentLogger);
  try {
    const base = `http://127.0.0.1:${loupe.httpPort}`;
    const send = (method: string, path: string, body: string, type: string) => fetch(`${base}${path}`, { method, body, headers: { "content-type": type } });
    const cases: Array<[string, Promise<Response>, RegExp]> = [
      ["token scope", send("POST", "/api/admin/tokens", JSON.stringify({ name: "ci", scope: "everything" }), "application/json"), /scope/],
      ["token name", send("POST", "/api/admin/tokens", JSON.stringify({ name: "  ", scope: "read" }), "application/json"), /name/],
      ["user id", send("PATCH", "/api/admin/users/abc", JSON.stringify({ role: "Viewer" }), "application/json"), /body: /],
      ["user role", send("PATCH", "/api/admin/users/1", JSON.stringify({ role: "Owner" }), "application/json"), /role/],
      ["form role", send("POST", "/admin/users/1", "role=Owner&state=active", "application/x-www-form-urlencoded"), /body: /],
      ["form token scope", send("POST", "/admin/tokens", "name=ci&scope=all", "application/x-www-form-urlencoded"), /scope/],
      ["revoke id", send("POST", "/admin/tokens/-1/revoke", "", "application/x-www-form-urlencoded"), /body: /],
    ];
    for (const [what, pending, field] of cases) {
      const r = await pending;
      const body = (await r.json()) as { error: { code: string; message: string } };
      assert.equal(r.status, 400, `${what}: ${JSON.stringify(body)}`);
      assert.equal(body.error.code, "invalid_body", what);
      assert.match(body.error.message, field, what);
    }
    const tokens = (await (await fetch(`${base}/api/admin/tokens`)).json()) as unknown[];
    assert.deepEqual(tokens, [], "no token was created");
    const ok = await send("POST", "/api/admin/tokens", JSON.stringify({ name: "ci", scope: "read" }), "application/json");
    assert.equal(ok.status, 201);
  } finally {
    await loupe.stop();
  }
});
