/**
 * [auth.ldap] against a real slapd (Debian) started here on loopback with its own database and a CA
 * made with openssl: bind + search with StartTLS off and on (root_ca_cert), wrong password refused,
 * group DNs → Viewer/Editor/Admin, a user in no mapped group refused, LDAP before local users, the
 * login limits, and an untrusted certificate failing closed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../../src/cli.js";
import { needs } from "../helpers/system.js";
import { Client, startHarness, type Harness } from "./harness.js";
import { formLogin, ldapIni, OPENSSL, ROOT_PW, SLAPADD, SLAPD, startSlapd, type LdapUser } from "./ldap-peer.js";

export const LDAP_USERS: LdapUser[] = [
  { uid: "ann", password: "ann-ldap-pass", cn: "Ann Admin", mail: "ann@example.org" },
  { uid: "ed", password: "ed-ldap-pass", cn: "Ed Editor", mail: "ed@example.org" },
  { uid: "vic", password: "vic-ldap-pass", cn: "Vic Viewer", mail: "vic@example.org" },
  { uid: "nob", password: "nob-ldap-pass", cn: "Nob Nogroup", mail: "nob@example.org" },
];
export const LDAP_GROUPS = { admins: ["ann"], editors: ["ed"], viewers: ["vic"], marketing: ["nob"] };

const me = async (c: Client): Promise<{ status: number; login?: string; role?: string }> => {
  const res = await c.get("/api/user", { accept: "application/json" });
  if (res.status !== 200) return { status: res.status };
  const body = (await res.json()) as { login: string; role: string };
  return { status: 200, login: body.login, role: body.role };
};

const skip = needs(SLAPD, SLAPADD, OPENSSL);

for (const startTls of [false, true]) {
  test(`LDAP logins with start_tls ${startTls ? "on (root_ca_cert)" : "off"}: roles from groups, wrong password and groupless users refused`, { skip }, async (t) => {
    const slapd = await startSlapd(LDAP_USERS, LDAP_GROUPS);
    const h = await startHarness(ldapIni(slapd, startTls ? { start_tls: "true", root_ca_cert: slapd.caFile } : {}), { github: false });

    await t.test("the login page shows the form", async () => {
      const page = await (await new Client(h.base).get("/login", { accept: "text/html" })).text();
      assert.match(page, /id="login-form"/);
    });

    for (const [uid, role] of [["ann", "Admin"], ["ed", "Editor"], ["vic", "Viewer"]] as const) {
      await t.test(`${uid} logs in as ${role}`, async () => {
        const c = new Client(h.base);
        const res = await formLogin(c, uid, LDAP_USERS.find((u) => u.uid === uid)!.password);
        assert.equal(res.status, 303);
        assert.equal(res.headers.get("location"), "/");
        assert.deepEqual(await me(c), { status: 200, login: uid, role });
      });
    }

    await t.test("a wrong password, an empty one and an unknown user are refused", async () => {
      for (const [login, password] of [["vic", "not-vics-password"], ["nobody", "whatever-pass"]]) {
        const c = new Client(h.base);
        const res = await formLogin(c, login!, password!);
        assert.equal(res.headers.get("location"), `/login?error=bad_credentials&login=${login}`);
        assert.equal((await me(c)).status, 401);
      }
      const c = new Client(h.base);
      const res = await c.send("POST", "/login", JSON.stringify({ login: "vic", password: " " }), { "content-type": "application/json", "x-csrf-token": await c.csrf("/login") });
      assert.equal(res.status, 401);
    });

    await t.test("a user in no mapped group is refused", async () => {
      const c = new Client(h.base);
      const res = await formLogin(c, "nob", "nob-ldap-pass");
      assert.equal(res.headers.get("location"), "/login?error=ldap_no_group&login=nob");
      assert.equal((await me(c)).status, 401);
    });

    await t.test("the profile comes from the directory; bind_password is never logged", async () => {
      const c = new Client(h.base);
      await formLogin(c, "ann", "ann-ldap-pass");
      const users = (await (await c.get("/api/admin/users")).json()) as Array<{ login: string; name: string; email: string }>;
      assert.deepEqual(users.find((u) => u.login === "ed"), { ...users.find((u) => u.login === "ed"), name: "Ed Editor", email: "ed@example.org" });
      assert.ok(!h.logs.some((l) => l.includes(ROOT_PW) || l.includes("ann-ldap-pass")), "secret in the log");
    });
  });
}

test("LDAP then local users, the login limits, and an untrusted certificate", { skip }, async (t) => {
  const slapd = await startSlapd(LDAP_USERS, LDAP_GROUPS);
  const h: Harness = await startHarness(`${ldapIni(slapd)}\n[auth.basic]\nenabled = true\n[auth]\nlogin_max_attempts = 3`, { github: false });
  const ini = join(h.dataDir, "..", "cli.ini");
  writeFileSync(ini, `[paths]\ndata = ${h.dataDir}\n[auth.basic]\nenabled = true\n`);
  const io = { out: () => undefined, err: () => undefined, readSecret: async () => "local-only-password" };
  assert.equal(await runCli(["user", "add", "localroot", "--role", "Admin", "--config", ini], io), 0);

  await t.test("a name LDAP does not know is checked against local users", async () => {
    const c = new Client(h.base);
    await formLogin(c, "localroot", "local-only-password");
    assert.equal((await me(c)).login, "localroot");
  });

  await t.test("failed LDAP logins count toward the per-login limit", async () => {
    for (let i = 0; i < 3; i++) await formLogin(new Client(h.base), "ed", "wrong-password-x");
    const c = new Client(h.base);
    const res = await formLogin(c, "ed", "ed-ldap-pass");
    assert.equal(res.headers.get("location"), "/login?error=too_many_attempts&login=ed");
    assert.equal((await me(c)).status, 401);
  });

  await t.test("StartTLS without the CA that signed slapd's certificate fails closed (no plain-text fallback)", async () => {
    const h2 = await startHarness(ldapIni(slapd, { start_tls: "true" }), { github: false });
    const c = new Client(h2.base);
    const res = await formLogin(c, "vic", "vic-ldap-pass");
    assert.equal(res.headers.get("location"), "/login?error=ldap_unavailable&login=vic");
    assert.equal((await me(c)).status, 401);
    assert.ok(h2.logs.some((l) => l.includes("ldap unavailable")), "logged");
  });

  await t.test("an unreachable directory falls back to local users, and is counted on /metrics", async () => {
    const h3 = await startHarness(`${ldapIni(slapd, { port: "1" })}\n[auth.basic]\nenabled = true`, { github: false });
    const ini3 = join(h3.dataDir, "..", "cli.ini");
    writeFileSync(ini3, `[paths]\ndata = ${h3.dataDir}\n[auth.basic]\nenabled = true\n`);
    assert.equal(await runCli(["user", "add", "localroot", "--role", "Admin", "--config", ini3], io), 0);
    const c = new Client(h3.base);
    await formLogin(c, "localroot", "local-only-password");
    assert.equal((await me(c)).login, "localroot");
    const metrics = await (await c.get("/metrics")).text();
    assert.match(metrics, /loupe_auth_ldap_errors_total 1/);
  });
});
