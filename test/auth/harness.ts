/**
 * Shared by the auth tests: start the whole of Loupe (startLoupe, as `loupe run` does) with auth
 * configured against a fake GitHub, and a tiny cookie-keeping HTTP client.
 */
import { join } from "node:path";
import { after } from "node:test";
import { loadConfig, type Config } from "../../src/config/index.js";
import { silentLogger, createLogger, type Logger } from "../../src/lib/logger.js";
import { startLoupe, type Running } from "../../src/main.js";
import type { Clock } from "../../src/lib/clock.js";
import { startFakeGithub, type FakeGithub } from "../helpers/fake-github.js";
import { tempDir } from "../helpers/tmp.js";

export const CLIENT_ID = "loupe-test-client";
export const CLIENT_SECRET = "s3cr3t-client-secret-value";

export interface Harness {
  readonly loupe: Running;
  readonly base: string;
  readonly gh: FakeGithub;
  readonly config: Config;
  /** Log lines written so far (to check that no secret is logged). */
  readonly logs: string[];
  /** The data folder (a CLI config file can point [paths] data at it). */
  readonly dataDir: string;
}

/** Config text with a fresh data folder, port 0, Graphite listeners off, GitHub through the fake. */
export function configText(dir: string, gh: FakeGithub | undefined, extra: string, githubKeys: Readonly<Record<string, string>> = {}): string {
  return [
    "[server]",
    "http_addr = 127.0.0.1",
    "http_port = 0",
    "root_url = http://127.0.0.1:1/", // replaced below once the port is known
    "[paths]",
    `data = ${dir}`,
    "[ingest.graphite]",
    "tcp_addr =",
    "udp_addr =",
    ...(gh === undefined
      ? []
      : ["[auth.github]", "enabled = true", `client_id = ${CLIENT_ID}`, `client_secret = ${CLIENT_SECRET}`, `auth_url = ${gh.authUrl}`, `token_url = ${gh.tokenUrl}`, `api_url = ${gh.apiUrl}`, ...Object.entries(githubKeys).map(([k, v]) => `${k} = ${v}`)]),
    extra,
  ].join("\n");
}

/** Sets `key = value` in `[section]` of INI text (appending the section when absent). */
export function setIni(text: string, section: string, key: string, value: string): string {
  const header = `[${section}]`;
  const lines = text.split("\n");
  const start = lines.indexOf(header);
  if (start < 0) return `${text}\n${header}\n${key} = ${value}`;
  let end = lines.findIndex((l, i) => i > start && l.startsWith("["));
  if (end < 0) end = lines.length;
  const at = lines.slice(start + 1, end).findIndex((l) => l.split("=")[0]!.trim() === key);
  if (at >= 0) lines[start + 1 + at] = `${key} = ${value}`;
  else lines.splice(start + 1, 0, `${key} = ${value}`);
  return lines.join("\n");
}

/**
 * Starts Loupe with GitHub auth against a new fake GitHub. The root_url must name the real port
 * (it makes the OAuth callback URL), so Loupe is started once on port 0 to find a free port, then
 * again on that port with the right root_url.
 */
export async function startHarness(extraIni = "", opts: { clock?: Clock; github?: boolean; dir?: string; githubKeys?: Record<string, string> } = {}): Promise<Harness> {
  const gh = await startFakeGithub({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  const dir = opts.dir ?? tempDir("loupe-auth-");
  const logs: string[] = [];
  const log: Logger = createLogger({ level: "debug", sink: { write: (l) => void logs.push(l) } });
  let text = configText(join(dir, "data"), opts.github === false ? undefined : gh, extraIni, opts.githubKeys);
  const probe = await startLoupe(loadConfig({ text, env: {} }), silentLogger);
  const port = probe.httpPort;
  await probe.stop();
  text = setIni(setIni(text, "server", "http_port", String(port)), "server", "root_url", `http://127.0.0.1:${port}/`);
  const config = loadConfig({ text, env: {} });
  const loupe = await startLoupe(config, log, opts.clock !== undefined ? { clock: opts.clock } : {});
  after(async () => {
    await loupe.stop();
    await gh.close();
  });
  return { loupe, base: `http://127.0.0.1:${port}`, gh, config, logs, dataDir: join(dir, "data") };
}

/** fetch with a cookie jar, no automatic redirects. */
export class Client {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.send("GET", path, undefined, headers);
  }

  async send(method: string, path: string, body?: string | URLSearchParams, headers: Record<string, string> = {}): Promise<Response> {
    const url = path.startsWith("http") ? path : `${this.base}${path}`;
    const sameHost = url.startsWith(this.base);
    const h: Record<string, string> = { ...headers };
    if (sameHost && this.cookies.size > 0) h["cookie"] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await fetch(url, { method, headers: h, redirect: "manual", ...(body !== undefined ? { body } : {}) });
    if (sameHost) {
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(";");
        const i = pair!.indexOf("=");
        const name = pair!.slice(0, i);
        const value = pair!.slice(i + 1);
        if (/Max-Age=0/i.test(c) || value === "") this.cookies.delete(name);
        else this.cookies.set(name, value);
      }
    }
    return res;
  }

  /** Follows redirects (at most 10), across hosts, returning every response's status and location. */
  async follow(path: string, max = 10): Promise<{ res: Response; hops: string[] }> {
    const hops: string[] = [];
    let res = await this.get(path);
    for (let i = 0; i < max && res.status >= 300 && res.status < 400; i++) {
      const loc = new URL(res.headers.get("location")!, res.url).toString();
      hops.push(loc);
      res = await this.get(loc);
    }
    return { res, hops };
  }

  /** The CSRF token of this browser (session-bound when signed in), as /api/user reports it. */
  async token(): Promise<string> {
    const res = await this.get("/api/user", { accept: "application/json" });
    const body = (await res.json()) as { csrfToken?: string };
    if (typeof body.csrfToken !== "string") throw new Error(`no csrf token (${res.status})`);
    return body.csrfToken;
  }

  /** The CSRF token a page would carry (from the <meta> of a rendered page). */
  async csrf(path = "/login"): Promise<string> {
    const res = await this.get(path, { accept: "text/html" });
    const text = await res.text();
    const m = /<meta name="csrf-token" content="([^"]*)">/.exec(text);
    if (m === null) throw new Error(`no csrf meta on ${path} (${res.status})`);
    return m[1]!;
  }
}

/** Signs in through the fake GitHub; returns the final response after redirects. */
export async function githubLogin(h: Harness, login: string, client = new Client(h.base), next?: string): Promise<{ client: Client; res: Response; hops: string[] }> {
  h.gh.loginAs(login);
  const { res, hops } = await client.follow(`/login/github${next !== undefined ? `?next=${encodeURIComponent(next)}` : ""}`);
  return { client, res, hops };
}
