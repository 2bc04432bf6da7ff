/**
 * GET /api/status and `loupe status` against the whole Loupe (startLoupe with GitHub auth
 * against the fake GitHub, a real SQLite file in a temp dir): who may read it, and that its numbers
 * match what was ingested and what is on disk.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Client, githubLogin, startHarness, type Harness } from "../auth/harness.js";
import { spawn } from "node:child_process";
import { runCli } from "../../src/cli.js";
import { PROJECT_ROOT } from "../../src/lib/package-info.js";
import { TSX_LOADER } from "../helpers/spawn-loupe.js";
import type { StatusReport } from "../../src/http/index.js";

let h: Harness;
let admin: Client;
let writeToken: string;
let readToken: string;
const HOSTS = 40;
const OPS_PASSWORD = "status page password";
const PER_SERIES = 20;

let setUpAt = 0;

async function setUp(): Promise<void> {
  setUpAt = Date.now();
  // small chunks so the ingested points reach tsdb_chunks while Loupe runs
  h = await startHarness("[store]\nchunk_points = 8\nhead_idle = 1s\nfsync = off\n[alerting]\nenabled = true\n[auth.basic]\nenabled = true\n");
  h.gh.addUser({ id: 1, login: "boss" });
  h.gh.addUser({ id: 2, login: "vera" });
  admin = (await githubLogin(h, "boss")).client;
  const csrf = await admin.token();
  const mint = async (scope: string): Promise<string> => {
    const r = await admin.send("POST", "/api/admin/tokens", JSON.stringify({ name: `status-${scope}`, scope }), { "content-type": "application/json", "x-csrf-token": csrf });
    assert.equal(r.status, 201);
    return ((await r.json()) as { token: string }).token;
  };
  writeToken = await mint("write");
  // a local Admin for `loupe status --user`
  const ini = join(h.dataDir, "..", "user.ini");
  writeFileSync(ini, `[paths]\ndata = ${h.dataDir}\n[auth.basic]\nenabled = true\n`);
  const io = { out: () => undefined, err: () => undefined, readSecret: async () => OPS_PASSWORD };
  assert.equal(await runCli(["user", "add", "ops", "--role", "Admin", "--config", ini], io), 0);
  readToken = await mint("read");
}

async function status(headers: Record<string, string>, query = ""): Promise<{ code: number; body: StatusReport }> {
  const r = await fetch(`${h.base}/api/status${query}`, { headers: { accept: "application/json", ...headers } });
  return { code: r.status, body: (await r.json()) as StatusReport };
}

/** The report as the signed-in Admin sees it. */
async function adminStatus(query = ""): Promise<StatusReport> {
  const r = await admin.get(`/api/status${query}`, { accept: "application/json" });
  assert.equal(r.status, 200);
  return (await r.json()) as StatusReport;
}

async function accessLevels(): Promise<void> {
  assert.equal((await status({})).code, 401);
  const viewer = (await githubLogin(h, "vera")).client;
  const v = await viewer.get("/api/status", { accept: "application/json" });
  assert.equal(v.status, 403);
  assert.equal((await viewer.get("/admin/status", { accept: "text/html" })).status, 403);
  // tokens act at most as Editors (auth/tokens.ts): neither reads the status
  assert.equal((await status({ authorization: `Bearer ${readToken}` })).code, 403);
  assert.equal((await status({ authorization: `Bearer ${writeToken}` })).code, 403);
  assert.equal((await adminStatus()).source, "live");
  const page = await admin.get("/admin/status", { accept: "text/html" });
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<table class="list" id="tiers">/);
}

async function numbersAfterIngest(): Promise<void> {
  const now = Date.now();
  const lines: string[] = [];
  for (let i = 0; i < HOSTS; i++) for (let j = 0; j < PER_SERIES; j++) lines.push(`status_test,host=h${i} value=${i + j} ${now - (PER_SERIES - j) * 1000}`);
  const w = await fetch(`${h.base}/write?db=x&precision=ms`, { method: "POST", body: lines.join("\n"), headers: { authorization: `Bearer ${writeToken}` } });
  assert.equal(w.status, 204, await w.text());

  // chunks commit in batches: wait until the raw tier shows some
  let r: StatusReport | undefined;
  for (let i = 0; i < 100; i++) {
    r = await adminStatus("?fresh=1");
    if (r.tiers[0]!.chunks > 0) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.ok(r !== undefined);
  assert.equal(r.source, "live");

  // series: what tsdb_series holds, read independently; every one was created today
  const dbPath = h.config.database.path;
  const ro = new Database(dbPath, { readonly: true });
  const held = (ro.prepare("SELECT count(*) AS n FROM tsdb_series").get() as { n: number }).n;
  const ours = (ro.prepare("SELECT count(*) AS n FROM tsdb_series WHERE key LIKE 'status_test%'").get() as { n: number }).n;
  ro.close();
  assert.equal(ours, HOSTS);
  assert.equal(r.series.total, held);
  assert.equal(r.series.createdLast24h, held);
  assert.ok(r.series.perHour > 0);

  // rates: exactly the points written, inside the last minute (the process is younger than that)
  const influx = r.ingest!.find((p) => p.protocol === "influx");
  assert.ok(influx !== undefined, JSON.stringify(r.ingest));
  assert.equal(influx.total, HOSTS * PER_SERIES);
  assert.equal(influx.lastMinute.points, HOSTS * PER_SERIES);
  assert.ok(influx.lastMinute.perSecond > 0);

  // sizes: the files as they are on disk, dbstat's b-trees inside the pages SQLite counts
  const d = r.database;
  assert.ok(d.files.dbFileBytes > 0 && d.files.dbFileBytes <= statSync(dbPath).size + 16 * 16384);
  assert.equal(d.files.totalBytes, d.files.dbFileBytes + d.files.sqliteWalBytes + d.files.pointWalBytes);
  assert.equal(d.method, "dbstat");
  const tableBytes = d.tables.reduce((s, t) => s + (t.bytes ?? 0), 0);
  assert.ok(tableBytes > 0 && tableBytes <= d.pageCount * d.pageSize, `${tableBytes} vs ${d.pageCount}×${d.pageSize}`);
  assert.ok(d.pageCount * d.pageSize <= d.files.dbFileBytes + d.files.sqliteWalBytes);
  const chunksTable = d.tables.find((t) => t.name === "tsdb_chunks");
  assert.ok(chunksTable !== undefined && chunksTable.bytes! > 0);

  // tiers: raw chunks hold data no older than what was written; retention from the config
  const raw = r.tiers.find((t) => t.tier === "raw")!;
  assert.ok(raw.bytes > 0 && raw.bytes <= chunksTable.bytes!, `${raw.bytes} vs ${chunksTable.bytes}`);
  // the oldest point held: collected since the harness started, or ingested above (timestamps from now - 20 s)
  assert.ok(raw.oldestTs! >= Math.min(setUpAt, now - PER_SERIES * 1000) - 5000 && raw.oldestTs! <= Date.now(), String(raw.oldestTs));
  assert.ok(raw.horizonMs! >= 0 && raw.horizonMs! <= Date.now() - raw.oldestTs!);
  assert.equal(raw.retentionMs, h.config.retention.raw);
  assert.deepEqual(r.tiers.map((t) => t.tier), ["raw", "1m", "1h"]);

  // the rest of the report is there: alerting on, no forwarders wired, disk measured
  assert.ok(r.alerting !== null);
  assert.equal(r.forwarders, null);
  assert.ok(r.disk !== null && r.disk.freeBytes > 0 && r.disk.totalBytes >= r.disk.freeBytes);
  assert.equal(r.disk.fill.state, "not_enough_data");
  // collector health: every collector that ran has its start time from the scheduler's gauge
  const ran = r.collectors!.filter((c) => c.runs > 0);
  assert.ok(ran.length > 0, JSON.stringify(r.collectors));
  for (const c of ran) assert.ok(c.lastRunAt! >= setUpAt && c.lastRunAt! <= Date.now() && c.lastDurationMs! >= 0, JSON.stringify(c));
}

async function cliNextToRunningLoupe(): Promise<void> {
  const run = async (args: string[], stdin = ""): Promise<{ code: number | null; out: string; err: string }> => {
    const child = spawn(process.execPath, ["--import", TSX_LOADER, join(PROJECT_ROOT, "src", "entry.ts"), "status", ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    child.stdin.end(stdin);
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    return { code, out, err };
  };
  // a local Admin signs in (password from stdin): the live report, and the session is ended after
  const live = await run(["--url", h.base, "--user", "ops"], `${OPS_PASSWORD}\n`);
  assert.equal(live.code, 0, live.err);
  assert.match(live.out, /status \(live, up/);
  assert.match(live.out, /^influx\s+800\s/m);
  assert.match(live.out, /^raw\s+15d\s+[1-9]\d*\s/m);
  const ro = new Database(h.config.database.path, { readonly: true });
  const sessions = (ro.prepare("SELECT count(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.login = 'ops'").get() as { n: number }).n;
  ro.close();
  assert.equal(sessions, 0, "the CLI signed out");
  const wrong = await run(["--url", h.base, "--user", "ops"], "not the password\n");
  assert.equal(wrong.code, 1);
  assert.match(wrong.err, /signing in as ops at .*\/login: 401/);
  // the API refuses the CLI's token: exit 1 naming why
  const denied = await run(["--url", h.base, "--token", writeToken]);
  assert.equal(denied.code, 1);
  assert.match(denied.err, /answered 403: the status needs an Admin/);
  // with the config: the Loupe holding the data dir refuses, so the CLI reads the files read-only
  const file = join(h.dataDir, "..", "cli.ini");
  writeFileSync(file, `[server]\nhttp_addr = 127.0.0.1\nhttp_port = ${new URL(h.base).port}\n[paths]\ndata = ${h.dataDir}\n`);
  const files = await run(["--config", file]);
  assert.equal(files.code, 0, files.err);
  assert.match(files.err, /needs an Admin.*reading the data dir instead/);
  assert.match(files.out, /read from the data dir read-only/);
  assert.match(files.out, /^Tier\s+Retention\s+Chunks\s+Points\s+Data/m);
  assert.match(files.out, /^raw\s+15d\s+[1-9]\d*\s/m);
  const json = await run(["--config", file, "--json"]);
  assert.equal(json.code, 0, json.err);
  const report = JSON.parse(json.out) as StatusReport;
  assert.equal(report.source, "data_dir");
  assert.equal(report.ingest, null);
  assert.ok(report.series.total >= HOSTS);
}

test("status: access, numbers after a known ingest, `loupe status` next to the running Loupe", async (t: TestContext) => {
  await setUp();
  await t.test("the status is for Admins (and write-scoped API tokens): anonymous 401, Viewer 403, read token 403", accessLevels);
  await t.test("after a known ingest: series count, points per protocol, sizes consistent with the files", numbersAfterIngest);
  await t.test("`loupe status` next to a Loupe with a login provider: refused over HTTP, reads the data dir instead", cliNextToRunningLoupe);
  await t.test("the database path reported is the configured one", () => {
    assert.equal(join(h.dataDir, "loupe.db"), h.config.database.path);
  });
});
