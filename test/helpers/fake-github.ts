/**
 * A fake GitHub on 127.0.0.1 for auth tests: the OAuth authorize and access_token endpoints and the
 * REST calls a sign-in makes (/user, /user/emails, /user/orgs, /user/teams). Loupe reaches it
 * through [auth.github] auth_url / token_url / api_url, exactly as it would GitHub Enterprise.
 *
 *   const gh = await startFakeGithub({ clientId: "id", clientSecret: "secret" });
 *   gh.addUser({ id: 1, login: "alice", orgs: ["acme"], teams: [{ id: 7, slug: "ops", org: "acme" }] });
 *   gh.loginAs("alice");   // the next /login/oauth/authorize answers as alice
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";

export interface FakeGithubUser {
  readonly id: number;
  readonly login: string;
  readonly name?: string;
  /** Public email on the profile ("" or absent: private, found through /user/emails). */
  readonly email?: string;
  readonly emails?: ReadonlyArray<{ email: string; primary: boolean; verified: boolean }>;
  readonly orgs?: readonly string[];
  readonly teams?: ReadonlyArray<{ id: number; slug: string; org: string }>;
}

export interface FakeGithub {
  readonly url: string;
  readonly authUrl: string;
  readonly tokenUrl: string;
  readonly apiUrl: string;
  addUser(u: FakeGithubUser): void;
  /** Who the next authorize request signs in as. */
  loginAs(login: string): void;
  /** Every request seen, as "METHOD /path" (query left out). */
  readonly requests: string[];
  /** redirect_uri values seen at authorize. */
  readonly redirectUris: string[];
  close(): Promise<void>;
}

export async function startFakeGithub(opts: { clientId: string; clientSecret: string }): Promise<FakeGithub> {
  const users = new Map<string, FakeGithubUser>();
  const codes = new Map<string, { login: string; redirectUri: string }>();
  const tokens = new Map<string, string>();
  const requests: string[] = [];
  const redirectUris: string[] = [];
  let current: string | undefined;

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const readBody = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve) => {
      let s = "";
      req.on("data", (b: Buffer) => (s += b.toString()));
      req.on("end", () => resolve(s));
    });
  const userOf = (req: IncomingMessage): FakeGithubUser | undefined => {
    const m = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? "");
    const login = m ? tokens.get(m[1]!) : undefined;
    return login === undefined ? undefined : users.get(login);
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://x");
      requests.push(`${req.method} ${url.pathname}`);
      if (req.method === "GET" && url.pathname === "/login/oauth/authorize") {
        const redirect = url.searchParams.get("redirect_uri") ?? "";
        redirectUris.push(redirect);
        if (url.searchParams.get("client_id") !== opts.clientId || current === undefined || redirect === "") return send(res, 400, { error: "bad authorize request" });
        const code = randomBytes(8).toString("hex");
        codes.set(code, { login: current, redirectUri: redirect });
        const to = new URL(redirect);
        to.searchParams.set("code", code);
        const state = url.searchParams.get("state");
        if (state !== null) to.searchParams.set("state", state);
        res.writeHead(302, { location: to.toString() });
        return res.end();
      }
      if (req.method === "POST" && url.pathname === "/login/oauth/access_token") {
        const form = new URLSearchParams(await readBody(req));
        const c = codes.get(form.get("code") ?? "");
        if (form.get("client_id") !== opts.clientId || form.get("client_secret") !== opts.clientSecret || c === undefined || (form.get("redirect_uri") ?? c.redirectUri) !== c.redirectUri) {
          return send(res, 200, { error: "bad_verification_code" });
        }
        codes.delete(form.get("code")!);
        const token = `gho_${randomBytes(12).toString("hex")}`;
        tokens.set(token, c.login);
        return send(res, 200, { access_token: token, token_type: "bearer", scope: "read:org,user:email" });
      }
      const u = userOf(req);
      if (u === undefined) return send(res, 401, { message: "Bad credentials" });
      if (url.pathname === "/user") {
        return send(res, 200, { id: u.id, login: u.login, name: u.name ?? null, email: u.email ?? null, avatar_url: `https://avatars.example/${u.id}`, html_url: `https://github.example/${u.login}` });
      }
      if (url.pathname === "/user/emails") return send(res, 200, u.emails ?? [{ email: `${u.login}@users.noreply.github.example`, primary: true, verified: true }]);
      if (url.pathname === "/user/orgs") return send(res, 200, (u.orgs ?? []).map((login, i) => ({ login, id: 1000 + i })));
      if (url.pathname === "/user/teams") return send(res, 200, (u.teams ?? []).map((t) => ({ id: t.id, slug: t.slug, html_url: `https://github.example/orgs/${t.org}/teams/${t.slug}`, organization: { login: t.org } })));
      send(res, 404, { message: "Not Found" });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    authUrl: `${url}/login/oauth/authorize`,
    tokenUrl: `${url}/login/oauth/access_token`,
    apiUrl: `${url}/user`,
    addUser: (u) => void users.set(u.login, u),
    loginAs: (login) => void (current = login),
    requests,
    redirectUris,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
