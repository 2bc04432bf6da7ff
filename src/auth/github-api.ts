/**
 * The GitHub REST calls a sign-in needs beyond what passport-github2 fetches (/user, /user/emails):
 * /user/orgs and /user/teams, relative to `[auth.github] api_url` (GitHub Enterprise: https://HOST/api/v3/user),
 * following `Link: rel="next"` pages like Grafana does.
 */
import type { GithubTeam } from "./github-policy.js";

const MAX_PAGES = 10;
const TIMEOUT_MS = 10_000;

async function getPages(url: string, accessToken: string): Promise<unknown[]> {
  const out: unknown[] = [];
  let next: string | undefined = url;
  for (let page = 0; next !== undefined && page < MAX_PAGES; page++) {
    const res: Response = await fetch(next, {
      headers: { authorization: `Bearer ${accessToken}`, accept: "application/vnd.github+json", "user-agent": "loupe" },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`GitHub answered ${res.status} for ${new URL(next).pathname}`);
    const body: unknown = await res.json();
    if (!Array.isArray(body)) throw new Error(`GitHub returned no list for ${new URL(next).pathname}`);
    out.push(...body);
    const link = res.headers.get("link") ?? "";
    next = /<([^>]+)>;\s*rel="next"/.exec(link)?.[1];
  }
  return out;
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const rec = (v: unknown): Record<string, unknown> => (v !== null && typeof v === "object" ? (v as Record<string, unknown>) : {});

export async function fetchOrgs(apiUrl: string, accessToken: string): Promise<string[]> {
  const rows = await getPages(`${apiUrl.replace(/\/$/, "")}/orgs?per_page=100`, accessToken);
  return rows.map((r) => str(rec(r)["login"])).filter((l) => l !== "");
}

export async function fetchTeams(apiUrl: string, accessToken: string): Promise<GithubTeam[]> {
  const rows = await getPages(`${apiUrl.replace(/\/$/, "")}/teams?per_page=100`, accessToken);
  return rows
    .map(rec)
    .filter((r) => typeof r["id"] === "number")
    .map((r) => ({ id: r["id"] as number, slug: str(r["slug"]), organization: str(rec(r["organization"])["login"]) }));
}
