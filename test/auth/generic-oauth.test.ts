/**
 * [auth.generic_oauth] against a real OpenID Connect provider (oidc-provider, on loopback, started
 * here): the full code flow with PKCE, nonce and a verified ID token; roles from role_attribute_path;
 * allowed_groups; forged state. Then a provider whose tokens the test forges: wrong nonce, expired,
 * wrong audience, wrong issuer and bad signature are all refused.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { providerFetch } from "../../src/auth/provider-http.js";
import { needs } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";
import { FakeClock } from "../../src/lib/clock.js";
import { Client, startHarness } from "./harness.js";
import { makeCerts, OPENSSL } from "./ldap-peer.js";
import { oidcIni, oidcLogin, startForgingIdp, startOidcProvider, OIDC_CLIENT as CLIENT, OIDC_SECRET as SECRET, type OidcAccount } from "./oidc-peers.js";


const accounts: OidcAccount[] = [
  { sub: "ann", preferred_username: "ann", email: "ann@example.com", name: "Ann Admin", groups: ["monitoring", "ops-admins"] },
  { sub: "ed", preferred_username: "ed", email: "ed@example.com", name: "Ed Editor", groups: ["monitoring", "ops"] },
  { sub: "vic", preferred_username: "vic", email: "vic@example.com", name: "Vic Viewer", groups: ["monitoring"] },
  { sub: "rex", preferred_username: "rex", email: "rex@example.com", name: "Rex Refused", groups: ["marketing"] },
];

const me = async (c: Client): Promise<{ status: number; login?: string; role?: string }> => {
  const res = await c.get("/api/user", { accept: "application/json" });
  return res.status === 200 ? { status: 200, ...((await res.json()) as { login: string; role: string }) } : { status: res.status };
};

test("generic OAuth with a real OpenID Connect provider: code flow, roles from groups, allowed_groups, state", async (t) => {
  const op = await startOidcProvider(accounts);
  const h = await startHarness(oidcIni(op.issuer), { github: false });
  op.configure({ clientId: CLIENT, clientSecret: SECRET, redirectUri: `${h.base}/login/generic_oauth` });

  await t.test("the login page offers the provider by its name", async () => {
    const page = await (await new Client(h.base).get("/login", { accept: "text/html" })).text();
    assert.match(page, /href="\/login\/generic_oauth"[^>]*>Sign in with Keycloak</);
    assert.doesNotMatch(page, /id="login-form"/, "no login form: neither LDAP nor local users are on");
  });

  await t.test("the authorize request carries state, nonce and a PKCE S256 challenge", async () => {
    const res = await new Client(h.base).get("/login/generic_oauth");
    assert.equal(res.status, 302);
    const u = new URL(res.headers.get("location")!);
    assert.equal(u.origin, op.issuer);
    for (const p of ["state", "nonce", "code_challenge"]) assert.ok((u.searchParams.get(p) ?? "").length >= 32, p);
    assert.equal(u.searchParams.get("code_challenge_method"), "S256");
    assert.equal(u.searchParams.get("redirect_uri"), `${h.base}/login/generic_oauth`);
  });

  for (const [login, role] of [["ann", "Admin"], ["ed", "Editor"], ["vic", "Viewer"]] as const) {
    await t.test(`${login} signs in with the role ${role} from role_attribute_path`, async () => {
      const c = new Client(h.base);
      const { hops } = await oidcLogin(c, login, { start: "/login/generic_oauth?next=%2Fadmin%2Fusers" });
      assert.equal(hops.at(-1)?.startsWith(`${h.base}/login/generic_oauth?`), true, `went back to Loupe's callback: ${hops.join(" ")}`);
      const who = await me(c);
      assert.deepEqual([who.status, who.login, who.role], [200, login, role]);
    });
  }

  await t.test("the first user ever (ann) is Admin anyway; users were created once with the provider's profile", async () => {
    const admin = new Client(h.base);
    await oidcLogin(admin, "ann");
    const users = (await (await admin.get("/api/admin/users")).json()) as Array<{ login: string; email: string; name: string; role: string }>;
    assert.deepEqual(users.map((u) => [u.login, u.name, u.email, u.role]), [
      ["ann", "Ann Admin", "ann@example.com", "Admin"],
      ["ed", "Ed Editor", "ed@example.com", "Editor"],
      ["vic", "Vic Viewer", "vic@example.com", "Viewer"],
    ]);
  });

  await t.test("a user in no allowed group is refused", async () => {
    const c = new Client(h.base);
    const { res } = await oidcLogin(c, "rex");
    assert.equal(res.status, 302);
    assert.equal(res.headers.get("location"), "/login?error=missing_group");
    assert.equal((await me(c)).status, 401);
    const page = await (await c.get("/login?error=missing_group", { accept: "text/html" })).text();
    assert.match(page, /not a member of one of the groups allowed/);
  });

  await t.test("a forged state is refused (and the code is never redeemed)", async () => {
    const c = new Client(h.base);
    const { res } = await oidcLogin(c, "vic", {
      tamper: (u) => {
        u.searchParams.set("state", "forged-state-value-forged-state-value");
        return u;
      },
    });
    assert.equal(res.headers.get("location"), "/login?error=bad_state");
    assert.equal((await me(c)).status, 401);
  });

  await t.test("a callback from another browser (no state cookie) is refused", async () => {
    const c = new Client(h.base);
    const other = new Client(h.base);
    const { res } = await oidcLogin(c, "vic", {
      tamper: (u) => {
        c.cookies.delete("loupe_oauth_state");
        void other;
        return u;
      },
    });
    assert.equal(res.headers.get("location"), "/login?error=bad_state");
  });

  await t.test("refusals are counted on /metrics; the client secret is never logged", async () => {
    const admin = new Client(h.base);
    await oidcLogin(admin, "ann");
    const text = await (await admin.get("/metrics")).text();
    assert.match(text, /loupe_auth_oauth_refused_total\{reason="missing_group"\} 1/);
    assert.match(text, /loupe_auth_oauth_refused_total\{reason="bad_state"\} 2/);
    assert.ok(!h.logs.some((l) => l.includes(SECRET)), "secret in the log");
  });
});

test("generic OAuth refuses ID tokens with a wrong nonce, expired, for another audience or issuer, or with a bad signature", async (t) => {
  const idp = await startForgingIdp(CLIENT, SECRET, { sub: "u-zoe", preferred_username: "zoe", email: "zoe@example.com", groups: ["monitoring"] });
  const h = await startHarness(oidcIni(idp.issuer, "auth_style = InHeader"), { github: false });
  const login = async (): Promise<{ location: string | null; who: number }> => {
    const c = new Client(h.base);
    const { res } = await oidcLogin(c, "zoe");
    return { location: res.headers.get("location"), who: (await me(c)).status };
  };

  await t.test("a good token signs in (PKCE verified by the provider)", async () => {
    idp.mode = "good";
    assert.deepEqual(await login(), { location: "/", who: 200 });
    assert.equal(idp.pkceChecked, 1);
  });

  for (const mode of ["wrong_nonce", "expired", "wrong_aud", "wrong_iss", "bad_signature"] as const) {
    await t.test(`${mode}: refused`, async () => {
      idp.mode = mode;
      assert.deepEqual(await login(), { location: "/login?error=bad_id_token", who: 401 });
    });
  }

  await t.test("a token endpoint error fails the sign-in (oauth_failed), logged without the client secret", async () => {
    idp.mode = "token_error";
    assert.deepEqual(await login(), { location: "/login?error=oauth_failed", who: 401 });
    assert.ok(h.logs.some((l) => l.includes("oauth sign-in refused") && l.includes("invalid_grant")), "logged with the provider's error code");
    assert.ok(!h.logs.some((l) => l.includes(SECRET)), "secret in the log");
  });

  await t.test("each refusal is logged with its reason", () => {
    const reasons = h.logs.filter((l) => l.includes("oauth sign-in refused")).join("\n");
    for (const re of [/nonce/, /exp/, /aud/, /iss/, /signature/]) assert.match(reasons, re);
  });
});

test("generic OAuth over HTTPS: tls_client_ca trusts a private CA; without it the sign-in fails closed", { skip: needs(OPENSSL) }, async (t) => {
  const certs = makeCerts(tempDir("loupe-oidc-tls-"));
  const idp = await startForgingIdp(CLIENT, SECRET, { sub: "u-tia", preferred_username: "tia", email: "tia@example.com", groups: ["monitoring"] }, certs);
  assert.match(idp.issuer, /^https:/);
  const trusted = await startHarness(oidcIni(idp.issuer, `tls_client_ca = ${certs.ca}`), { github: false });
  const untrusted = await startHarness(oidcIni(idp.issuer), { github: false });

  await t.test("with tls_client_ca: signed in", async () => {
    const c = new Client(trusted.base);
    const start = await c.get("/login/generic_oauth");
    assert.equal(start.status, 302);
    // the test's own client must trust the private CA too (global fetch cannot take one)
    const authorize = await providerFetch({ ca: readFileSync(certs.ca, "utf8"), skipVerify: false, timeoutMs: 5000 })(start.headers.get("location")!);
    assert.equal(authorize.status, 302);
    const end = await c.get(authorize.headers.get("location")!);
    assert.equal(end.headers.get("location"), "/");
    assert.equal((await me(c)).login, "tia");
  });

  await t.test("without: discovery fails on the certificate, the start answers /login?error=oauth_failed", async () => {
    const res = await new Client(untrusted.base).get("/login/generic_oauth");
    assert.equal(res.status, 302);
    assert.equal(res.headers.get("location"), "/login?error=oauth_failed");
    assert.ok(untrusted.logs.some((l) => /certificate|self-signed|issuer certificate/i.test(l)), "the TLS error is logged");
  });
});

test("generic OAuth uses Loupe's clock: the ID token's exp and the login attempt's 10 minutes", async (t) => {
  const idp = await startForgingIdp(CLIENT, SECRET, { sub: "u-kim", preferred_username: "kim", email: "kim@example.com", groups: ["monitoring"] });
  const clock = new FakeClock(Date.now());
  const h = await startHarness(oidcIni(idp.issuer), { github: false, clock });
  /** Starts a login, moves Loupe's clock, then lets the provider answer. */
  const loginAfter = async (ms: number): Promise<string | null> => {
    const c = new Client(h.base);
    const start = await c.get("/login/generic_oauth");
    clock.advance(ms);
    const authorize = await fetch(start.headers.get("location")!, { redirect: "manual" });
    const end = await c.get(authorize.headers.get("location")!);
    return end.headers.get("location");
  };

  await t.test("a minute later: signed in", async () => {
    assert.equal(await loginAfter(60_000), "/");
  });
  await t.test("6 minutes later the 5-minute ID token has expired by Loupe's clock (the attempt is still valid)", async () => {
    assert.equal(await loginAfter(6 * 60_000), "/login?error=bad_id_token");
  });
  await t.test("11 minutes later the login attempt itself has expired", async () => {
    assert.equal(await loginAfter(11 * 60_000), "/login?error=bad_state");
  });
});
