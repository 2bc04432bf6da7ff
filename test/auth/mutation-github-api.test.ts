// /user/orgs and /user/teams (src/auth/github-api.ts) against a small fake GitHub API on 127.0.0.1:
// the request it makes, Link rel="next" pages (at most 10), what it keeps of each row, and its errors.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { fetchOrgs, fetchTeams } from "../../src/auth/github-api.js";

type Page = { status?: number; body: unknown; next?: string };
const routes = new Map<string, Page>();
const seen: IncomingMessage[] = [];
const server = createServer((req, res) => {
  seen.push(req);
  const page = routes.get(req.url ?? "");
  if (page === undefined) {
    res.writeHead(404).end("{}");
    return;
  }
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (page.next !== undefined) headers["link"] = `<${base}${page.next}>; rel="next", <${base}/last>; rel="last"`;
  res.writeHead(page.status ?? 200, headers).end(JSON.stringify(page.body));
});
server.listen(0, "127.0.0.1");
await new Promise((r) => server.once("listening", r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
after(() => server.close());

test("github api: orgs over two pages, the token and headers sent, rows without a login dropped", async () => {
  routes.clear();
  seen.length = 0;
  routes.set("/api/orgs?per_page=100", { body: [{ login: "corp" }, { login: "" }, { id: 3 }, null, "x"], next: "/api/orgs?per_page=100&page=2" });
  routes.set("/api/orgs?per_page=100&page=2", { body: [{ login: "Other" }] });
  assert.deepEqual(await fetchOrgs(`${base}/api/`, "tok123"), ["corp", "Other"]);
  assert.equal(seen.length, 2);
  assert.equal(seen[0]!.headers.authorization, "Bearer tok123");
  assert.equal(seen[0]!.headers.accept, "application/vnd.github+json");
  assert.equal(seen[0]!.headers["user-agent"], "loupe");
  assert.deepEqual(await fetchOrgs(`${base}/api`, "t"), ["corp", "Other"], "with or without the trailing slash");
});

test("github api: teams keep numeric ids with slug and organization login; others are dropped", async () => {
  routes.clear();
  routes.set("/teams?per_page=100", {
    body: [{ id: 5, slug: "ops", organization: { login: "corp" } }, { id: "6", slug: "x" }, { slug: "noid" }, { id: 7 }, { id: 8, slug: 9, organization: "corp" }],
  });
  assert.deepEqual(await fetchTeams(base, "t"), [
    { id: 5, slug: "ops", organization: "corp" },
    { id: 7, slug: "", organization: "" },
    { id: 8, slug: "", organization: "" },
  ]);
});

test("github api: at most 10 pages are followed", async () => {
  routes.clear();
  seen.length = 0;
  for (let i = 0; i < 15; i++) routes.set(`/orgs?per_page=100${i === 0 ? "" : `&p=${i}`}`, { body: [{ login: `o${i}` }], next: `/orgs?per_page=100&p=${i + 1}` });
  const got = await fetchOrgs(base, "t");
  assert.deepEqual(got, Array.from({ length: 10 }, (_, i) => `o${i}`));
  assert.equal(seen.length, 10);
});

test("github api: a failed page or a body that is not a list is an error naming the path", async () => {
  routes.clear();
  routes.set("/orgs?per_page=100", { body: [{ login: "a" }], next: "/orgs?per_page=100&page=2" });
  routes.set("/orgs?per_page=100&page=2", { status: 502, body: {} });
  await assert.rejects(fetchOrgs(base, "t"), (e: Error) => e.message === "GitHub answered 502 for /orgs");
  routes.set("/teams?per_page=100", { body: { message: "Bad credentials" } });
  await assert.rejects(fetchTeams(base, "t"), (e: Error) => e.message === "GitHub returned no list for /teams");
});
