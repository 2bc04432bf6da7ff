// The mysql, postgres and redis collectors against real Debian servers started here on loopback
// (MariaDB, PostgreSQL 15, Redis; own data dirs and ports, stopped by PID). Every value is
// cross-checked against the server's own statistics read by the test through an independent
// client (mysql2 / pg / redis-cli): gauges equal, counters' rates bounded by the change the test saw.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createConnection } from "mysql2/promise";
import pg from "pg";
import { needs, freePort } from "../helpers/system.js";
import { harness, type Harness } from "./helpers.js";
import { emptyTargets } from "./dashboard-check.js";
import { mysqlDashboard, postgresDashboard, redisDashboard } from "../../src/dashboards/index.js";
import type { Sample } from "../../src/model/index.js";
import {
  MARIADBD, MARIADB_INSTALL_DB, PG_BIN, REDIS_SERVER, MYSQL_USER, MYSQL_PASSWORD, PG_PASSWORD, REDIS_PASSWORD,
  startMariadb, startPostgres, startRedis, type Server,
} from "./service-servers.js";

const runFile = promisify(execFile);
const skip = needs(MARIADBD, MARIADB_INSTALL_DB, `${PG_BIN}/postgres`, `${PG_BIN}/initdb`, REDIS_SERVER, "/usr/bin/redis-cli");

let maria: (Server & { socket: string }) | undefined;
let postgres: Server | undefined;
let redis: Server | undefined;
let redisAuth: Server | undefined;

before(async () => {
  if (skip !== undefined) return;
  [maria, postgres, redis, redisAuth] = await Promise.all([startMariadb(), startPostgres(), startRedis(), startRedis(REDIS_PASSWORD)]);
});
after(async () => {
  await Promise.all([maria?.stop(), postgres?.stop(), redis?.stop(), redisAuth?.stop()]);
});

/** Every sample of the successful runs, per collector, for the dashboard checks. */
const produced = new Map<string, Sample[]>();

async function run(h: Harness, name: string): Promise<{ outcome: string; values: Map<string, number>; error: string | undefined }> {
  h.sink.clear();
  const outcome = await h.collectors.scheduler.run(name);
  if (outcome === "ok") produced.set(name, [...(produced.get(name) ?? []), ...h.sink.samples]);
  const values = new Map<string, number>();
  for (const s of h.sink.samples) {
    const m = new RegExp(`^servers\\.testhost\\.${name}\\.(.*)$`).exec(s.name);
    if (m !== null) values.set(m[1]!, s.value);
  }
  return { outcome, values, error: h.collectors.scheduler.stats(name)?.lastError };
}

// ---------- MariaDB ----------

async function mysqlStatus(): Promise<Map<string, string>> {
  const c = await createConnection({ host: "127.0.0.1", port: maria!.port, user: MYSQL_USER, password: MYSQL_PASSWORD });
  try {
    const [rows] = await c.query("SHOW GLOBAL STATUS");
    return new Map((rows as Array<{ Variable_name: string; Value: string }>).map((r) => [r.Variable_name, r.Value]));
  } finally {
    await c.end();
  }
}

async function mysqlSelects(n: number): Promise<void> {
  const c = await createConnection({ host: "127.0.0.1", port: maria!.port, user: MYSQL_USER, password: MYSQL_PASSWORD });
  for (let i = 0; i < n; i++) await c.query("SELECT 1");
  await c.end();
}

test("mysql: gauges equal SHOW GLOBAL STATUS, counters become per-second rates bounded by what the test saw", { skip }, async () => {
  const h = await harness(["mysql"], { ini: `[collector.mysql]\nhost = 127.0.0.1\nport = ${maria!.port}\nuser = ${MYSQL_USER}\npassword = ${MYSQL_PASSWORD}\n` });
  const before0 = await mysqlStatus();
  const first = await run(h, "mysql");
  assert.equal(first.outcome, "ok", first.error);
  // gauges are there from the first run; counters only prime
  assert.equal(first.values.get("Innodb_page_size"), Number(before0.get("Innodb_page_size")));
  assert.equal(first.values.get("Innodb_buffer_pool_pages_total"), Number(before0.get("Innodb_buffer_pool_pages_total")));
  assert.ok((first.values.get("Threads_connected") ?? 0) >= 1);
  assert.equal(first.values.has("Com_select"), false, "a counter's first sample only primes");
  await mysqlSelects(60);
  h.clock.advance(10_000);
  const second = await run(h, "mysql");
  const after0 = await mysqlStatus();
  assert.equal(second.outcome, "ok", second.error);
  const rate = second.values.get("Com_select");
  assert.ok(rate !== undefined, "Com_select published as a rate on the second run");
  const seen = Number(after0.get("Com_select")) - Number(before0.get("Com_select"));
  assert.ok(rate * 10 >= 60 && rate * 10 <= seen, `Com_select rate ${rate}/s over 10 s vs 60 selects sent, ${seen} seen by the test`);
  for (const [k, v] of second.values) assert.ok(Number.isFinite(v) && (k === "Seconds_Behind_Master" || v >= 0), `${k} = ${v}`);
  assert.ok(second.values.has("Questions") && second.values.has("Bytes_received"));
  assert.deepEqual(emptyTargets(mysqlDashboard({ host: "testhost" }), produced.get("mysql")!, { host: "testhost" }), [], "every MySQL chart has data");
  await h.collectors.stop();
});

test("mysql: unix socket, Diamond's hosts string with a nickname, publish filter", { skip }, async () => {
  const hosts = `${MYSQL_USER}:${MYSQL_PASSWORD}@127.0.0.1:${maria!.port}/loupetest/primary`;
  const h = await harness(["mysql"], { ini: `[collector.mysql]\nhosts = ${hosts}\npublish = Threads_connected Com_select\n` });
  const r = await run(h, "mysql");
  assert.equal(r.outcome, "ok", r.error);
  assert.deepEqual([...r.values.keys()], ["primary.Threads_connected"]);
  const s = await harness(["mysql"], { ini: `[collector.mysql]\nsocket = ${maria!.socket}\nuser = ${MYSQL_USER}\npassword = ${MYSQL_PASSWORD}\n` });
  const rs = await run(s, "mysql");
  assert.equal(rs.outcome, "ok", rs.error);
  assert.ok(rs.values.has("Open_tables"));
  await Promise.all([h.collectors.stop(), s.collectors.stop()]);
});

test("mysql: a wrong password and a refused connection are counted errors naming the cause, never the password", { skip }, async () => {
  const bad = await harness(["mysql"], { ini: `[collector.mysql]\nhost = 127.0.0.1\nport = ${maria!.port}\nuser = ${MYSQL_USER}\npassword = wrong-pw\n` });
  const r = await run(bad, "mysql");
  assert.equal(r.outcome, "error");
  assert.match(r.error ?? "", /access denied/);
  assert.doesNotMatch(r.error ?? "", /wrong-pw/);
  const closed = await freePort();
  const refused = await harness(["mysql"], { ini: `[collector.mysql]\nhost = 127.0.0.1\nport = ${closed}\npassword = x\n` });
  const r2 = await run(refused, "mysql");
  assert.equal(r2.outcome, "error");
  assert.match(r2.error ?? "", /ECONNREFUSED/);
  assert.equal(refused.collectors.scheduler.stats("mysql")?.errors, 1);
  await Promise.all([bad.collectors.stop(), refused.collectors.stop()]);
});

// ---------- PostgreSQL ----------

function pgClient(database = "postgres", password = PG_PASSWORD): pg.Client {
  return new pg.Client({ host: "127.0.0.1", port: postgres!.port, user: "postgres", password, database });
}

test("postgres: pg_stat_database and pg_stat_bgwriter values with Diamond's paths, within what the test read before and after", { skip }, async () => {
  const admin = pgClient();
  await admin.connect();
  await admin.query("CREATE DATABASE loupe_test");
  await admin.end();
  const db = pgClient("loupe_test");
  await db.connect();
  await db.query("CREATE TABLE t (id int)");
  for (let i = 0; i < 20; i++) await db.query("INSERT INTO t VALUES ($1)", [i]);
  await new Promise((r) => setTimeout(r, 1100)); // pg 15 flushes a backend's statistics at most once a second
  const stat = async (): Promise<Record<string, string>> => {
    await db.query("SELECT pg_stat_clear_snapshot()");
    return (await db.query("SELECT xact_commit::text, tup_inserted::text, pg_database_size('loupe_test')::text AS size FROM pg_stat_database WHERE datname = 'loupe_test'")).rows[0] as Record<string, string>;
  };
  const b = await stat();
  const h = await harness(["postgres"], { ini: `[collector.postgres]\nhost = 127.0.0.1\nport = ${postgres!.port}\npassword = ${PG_PASSWORD}\nextended = true\n` });
  const r = await run(h, "postgres");
  await new Promise((res) => setTimeout(res, 1100));
  const a = await stat();
  assert.equal(r.outcome, "ok", r.error);
  const v = (k: string): number => {
    const x = r.values.get(k);
    assert.ok(x !== undefined, `${k} published; got ${[...r.values.keys()].slice(0, 20).join(", ")}`);
    return x;
  };
  assert.ok(v("database.loupe_test.xact_commit") >= Number(b["xact_commit"]) && v("database.loupe_test.xact_commit") <= Number(a["xact_commit"]));
  assert.ok(v("database.loupe_test.tup_inserted") >= 20);
  assert.equal(v("database.loupe_test.tup_inserted"), Number(a["tup_inserted"]));
  assert.ok(Math.abs(v("database.loupe_test.size") - Number(a["size"])) <= 1024 * 1024);
  assert.equal(v("database.loupe_test.connections"), 1);
  assert.ok(v("bgwriter.buffers_alloc") > 0);
  assert.ok(r.values.has("bgwriter.checkpoints_timed"));
  assert.ok(v("transactions.commit") >= Number(a["xact_commit"]));
  assert.ok(r.values.has("postgres.connections.idle") && r.values.has("postgres.locks.accesssharelock"));
  assert.equal([...r.values.keys()].some((k) => k.startsWith("database.postgres.") && !k.endsWith(".connections")), false, "Diamond leaves the postgres database out");
  h.clock.advance(10_000);
  assert.equal((await run(h, "postgres")).outcome, "ok");
  assert.deepEqual(emptyTargets(postgresDashboard({ host: "testhost" }), produced.get("postgres")!, { host: "testhost", db: "*" }), [], "every PostgreSQL chart has data");
  await db.end();
  await h.collectors.stop();
});

test("postgres: authentication failure and refused connection are clear counted errors", { skip }, async () => {
  const bad = await harness(["postgres"], { ini: `[collector.postgres]\nhost = 127.0.0.1\nport = ${postgres!.port}\npassword = nope-pw\n` });
  const r = await run(bad, "postgres");
  assert.equal(r.outcome, "error");
  assert.match(r.error ?? "", /authentication failed for user "postgres"/);
  assert.doesNotMatch(r.error ?? "", /nope-pw/);
  const refused = await harness(["postgres"], { ini: `[collector.postgres]\nhost = 127.0.0.1\nport = ${await freePort()}\n` });
  const r2 = await run(refused, "postgres");
  assert.equal(r2.outcome, "error");
  assert.match(r2.error ?? "", /ECONNREFUSED/);
  await Promise.all([bad.collectors.stop(), refused.collectors.stop()]);
});

// ---------- Redis ----------

async function redisCli(port: number, ...args: string[]): Promise<string> {
  return (await runFile("/usr/bin/redis-cli", ["-h", "127.0.0.1", "-p", String(port), "--no-auth-warning", ...args])).stdout;
}

function infoField(info: string, field: string): string | undefined {
  return new RegExp(`^${field}:(.*)$`, "m").exec(info)?.[1]?.trim();
}

test("redis: INFO with Diamond's names under redis.<port>, cross-checked with redis-cli INFO", { skip }, async () => {
  for (let i = 0; i < 25; i++) await redisCli(redis!.port, "SET", `k${i}`, "v");
  await redisCli(redis!.port, "EXPIRE", "k0", "1000");
  await redisCli(redis!.port, "GET", "k1");
  await redisCli(redis!.port, "GET", "missing");
  const h = await harness(["redis"], { ini: `[collector.redis]\nhost = 127.0.0.1\nport = ${redis!.port}\n` });
  const before0 = await redisCli(redis!.port, "INFO");
  const r = await run(h, "redis");
  const after0 = await redisCli(redis!.port, "INFO");
  assert.equal(r.outcome, "ok", r.error);
  const p = String(redis!.port);
  assert.equal(r.values.get(`${p}.db0.keys`), 25);
  assert.equal(r.values.get(`${p}.db0.expires`), 1);
  assert.equal(r.values.get(`${p}.keyspace.hits`), Number(infoField(after0, "keyspace_hits")));
  assert.equal(r.values.get(`${p}.keyspace.misses`), 1);
  const cmds = r.values.get(`${p}.process.commands_processed`)!;
  assert.ok(cmds >= Number(infoField(before0, "total_commands_processed")) && cmds <= Number(infoField(after0, "total_commands_processed")));
  const mem = r.values.get(`${p}.memory.internal_view`)!;
  assert.ok(Math.abs(mem - Number(infoField(after0, "used_memory"))) < 256 * 1024, `used_memory ${mem}`);
  assert.ok(r.values.has(`${p}.last_save.time_since`) && r.values.has(`${p}.clients.connected`) && r.values.has(`${p}.memory.fragmentation_ratio`));
  await redisCli(redis!.port, "GET", "k2"); // a hit between the runs: the hit ratio has a value
  h.clock.advance(10_000);
  assert.equal((await run(h, "redis")).outcome, "ok");
  assert.deepEqual(emptyTargets(redisDashboard({ host: "testhost" }), produced.get("redis")!, { host: "testhost", instance: "*" }), [], "every Redis chart has data");
  await h.collectors.stop();
});

test("redis: requirepass — without the password a clear NOAUTH error, with it INFO; instances with nicknames", { skip }, async () => {
  const noauth = await harness(["redis"], { ini: `[collector.redis]\nhost = 127.0.0.1\nport = ${redisAuth!.port}\n` });
  const r = await run(noauth, "redis");
  assert.equal(r.outcome, "error");
  assert.match(r.error ?? "", /NOAUTH/);
  const wrong = await harness(["redis"], { ini: `[collector.redis]\nhost = 127.0.0.1\nport = ${redisAuth!.port}\npassword = wrong-pw\n` });
  const rw = await run(wrong, "redis");
  assert.equal(rw.outcome, "error");
  assert.match(rw.error ?? "", /WRONGPASS|invalid password/i);
  assert.doesNotMatch(rw.error ?? "", /wrong-pw/);
  const ok = await harness(["redis"], { ini: `[collector.redis]\ninstances = cache@127.0.0.1:${redisAuth!.port}, plain@127.0.0.1:${redis!.port}\npassword = ${REDIS_PASSWORD}\n` });
  const r2 = await run(ok, "redis");
  // the password-less server refuses AUTH: the run is an error naming it, the other instance still published
  assert.ok(r2.values.has("cache.process.uptime"), r2.error);
  const refused = await harness(["redis"], { ini: `[collector.redis]\nhost = 127.0.0.1\nport = ${await freePort()}\n` });
  const r3 = await run(refused, "redis");
  assert.equal(r3.outcome, "error");
  assert.match(r3.error ?? "", /ECONNREFUSED/);
  await Promise.all([noauth.collectors.stop(), wrong.collectors.stop(), ok.collectors.stop(), refused.collectors.stop()]);
});

test("a server that accepts and never answers: redis is abandoned at the run's timeout, mysql at connect_timeout; the next run starts clean", async () => {
  const { createServer } = await import("node:net");
  const held: import("node:net").Socket[] = [];
  const silent = createServer((c) => void held.push(c));
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
  const port = (silent.address() as { port: number }).port;
  try {
    const h = await harness(["redis", "mysql"], { ini: `[collector.redis]\nhost = 127.0.0.1\nport = ${port}\ntimeout = 1s\n[collector.mysql]\nhost = 127.0.0.1\nport = ${port}\nconnect_timeout = 300ms\n` });
    assert.equal(await h.collectors.scheduler.run("redis"), "timeout");
    const m = await run(h, "mysql");
    assert.equal(m.outcome, "error");
    assert.match(m.error ?? "", /ETIMEDOUT|timeout/i);
    assert.equal(await h.collectors.scheduler.run("redis"), "timeout", "not 'skipped': the first run's socket was closed on abort");
    await h.collectors.stop();
  } finally {
    for (const c of held) c.destroy();
    await new Promise((r) => silent.close(r));
  }
});
