/**
 * `loupe status` as an HTTP client of a running Loupe: GET /api/status (Admins only) either as the
 * caller of a Loupe open on loopback (no credentials), with `--token` (sent as a Bearer token), or
 * signed in as a local user (`--user`: POST /login, then the session cookie; signed out afterwards).
 */
import { SESSION_COOKIE } from "../../auth/index.js";
import { errorMessage, LoupeError } from "../../lib/errors.js";
import type { StatusReport } from "./model.js";

const HTTP_TIMEOUT_MS = 30_000;

export interface Credentials {
  readonly token?: string | undefined;
  /** A local login and its password: a session for the one request. */
  readonly user?: { readonly login: string; readonly password: string } | undefined;
}

async function send(url: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  } catch (err) {
    throw new LoupeError("status_unreachable", `cannot reach ${url}: ${errorMessage(err)}`);
  }
}

/** Signs in as a local user; the session cookie (`name=value`). */
async function signIn(base: string, login: string, password: string): Promise<string> {
  const res = await send(`${base}/login`, { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify({ login, password }) });
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]!).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!res.ok || cookie === undefined) {
    const detail = ((await res.json().catch(() => ({}))) as { error?: { message?: string } }).error?.message ?? "";
    throw new LoupeError("status_login_failed", `signing in as ${login} at ${base}/login: ${res.status}${detail !== "" ? ` ${detail}` : ""}`);
  }
  return cookie;
}

/** Ends the session (best effort: it also expires on its own). */
async function signOut(base: string, cookie: string): Promise<void> {
  try {
    const who = (await (await send(`${base}/api/user`, { headers: { cookie, accept: "application/json" } })).json()) as { csrfToken?: string };
    await send(`${base}/logout`, { method: "POST", headers: { cookie, accept: "application/json", "x-csrf-token": who.csrfToken ?? "" } });
  } catch {
    // the session times out
  }
}

/** The running Loupe's report; 401/403 become `status_denied`. */
export async function fetchReport(url: string, credentials: Credentials, fresh: boolean): Promise<StatusReport> {
  const base = url.replace(/\/+$/, "");
  const target = `${base}/api/status${fresh ? "?fresh=1" : ""}`;
  const cookie = credentials.user === undefined ? undefined : await signIn(base, credentials.user.login, credentials.user.password);
  try {
    const headers: Record<string, string> = { accept: "application/json" };
    if (credentials.token !== undefined) headers["authorization"] = `Bearer ${credentials.token}`;
    if (cookie !== undefined) headers["cookie"] = cookie;
    const res = await send(target, { headers });
    if (res.status === 401 || res.status === 403) {
      throw new LoupeError("status_denied", `${target} answered ${res.status}: the status needs an Admin (sign in with --user LOGIN; API tokens act at most as Editors)`);
    }
    if (!res.ok) throw new LoupeError("status_failed", `${target} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    return (await res.json()) as StatusReport;
  } finally {
    if (cookie !== undefined) await signOut(base, cookie);
  }
}
