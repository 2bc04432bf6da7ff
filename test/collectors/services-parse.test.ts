// The service collectors' pure parts: RESP replies, Redis INFO → Diamond names, instance and
// connection strings, MySQL status rows, PostgreSQL rows. Live servers: services.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { encodeCommand, parseReply } from "../../src/collectors/services/resp.js";
import { parseInfo, parseRedisInstance, redisMetrics } from "../../src/collectors/services/redis.js";
import { numericStatus, parseMysqlHost } from "../../src/collectors/services/mysql.js";
import { databaseMetrics, pgNumber } from "../../src/collectors/services/postgres.js";

test("RESP: commands encoded as arrays of bulk strings; replies parsed only when complete", () => {
  assert.equal(encodeCommand(["AUTH", "pä"]).toString(), "*2\r\n$4\r\nAUTH\r\n$3\r\npä\r\n");
  const cases: Array<[string, unknown]> = [
    ["+OK\r\n", { reply: { kind: "ok", value: "OK" }, used: 5 }],
    ["-NOAUTH Authentication required.\r\n", { reply: { kind: "error", message: "NOAUTH Authentication required." }, used: 34 }],
    ["$5\r\nhello\r\n+next", { reply: { kind: "ok", value: "hello" }, used: 11 }],
    ["$-1\r\n", { reply: { kind: "ok", value: "" }, used: 5 }],
    ["$5\r\nhel", undefined],
    ["+OK", undefined],
  ];
  for (const [text, want] of cases) assert.deepEqual(parseReply(Buffer.from(text)), want, JSON.stringify(text));
  assert.throws(() => parseReply(Buffer.from("HTTP/1.1 400 Bad Request\r\n")), /unexpected RESP reply/);
  assert.throws(() => parseReply(Buffer.from("$x\r\n")), /bad RESP bulk length/);
});

test("redis: INFO fields to Diamond's names, old and new field names, keyspace lines", () => {
  const info = parseInfo("# Server\r\nredis_version:7.0.15\r\nuptime_in_seconds:42\r\n# Clients\r\nconnected_clients:3\r\n# Persistence\r\nrdb_changes_since_last_save:7\r\nrdb_last_save_time:1700000000\r\n# Stats\r\nkeyspace_hits:10\r\nused_cpu_sys_children:0.5\r\n# Keyspace\r\ndb0:keys=25,expires=1,avg_ttl=999\r\ndb3:keys=2,expires=0,avg_ttl=0\r\n");
  const m = redisMetrics(info, 1_700_000_100.9, 16);
  assert.equal(m.get("process.uptime"), 42);
  assert.equal(m.get("clients.connected"), 3);
  assert.equal(m.get("last_save.changes_since"), 7);
  assert.equal(m.get("last_save.time_since"), 100);
  assert.equal(m.get("cpu.children.sys"), 0.5);
  assert.equal(m.get("db0.keys"), 25);
  assert.equal(m.get("db3.avg_ttl"), 0);
  assert.equal(redisMetrics(info, 0, 1).has("db3.keys"), false, "databases bounds the db lines");
  assert.equal(redisMetrics(parseInfo("last_save_time:5\nchanges_since_last_save:1\n"), 10).get("last_save.time_since"), 5, "pre-2.6 names");
});

test("redis: instances in Diamond's format", () => {
  assert.deepEqual(parseRedisInstance("localhost"), { nickname: "6379", host: "localhost", port: 6379 });
  assert.deepEqual(parseRedisInstance("cache@10.0.0.5:6380"), { nickname: "cache", host: "10.0.0.5", port: 6380 });
  assert.deepEqual(parseRedisInstance("s@unix:/run/redis/redis.sock"), { nickname: "s", host: "", port: 0, socket: "/run/redis/redis.sock" });
  assert.throws(() => parseRedisInstance("a b"), /expected \[nickname@\]host/);
  assert.throws(() => parseRedisInstance("h:70000"), /port out of range/);
});

test("mysql: Diamond's connection strings; status rows to numbers", () => {
  assert.deepEqual(parseMysqlHost("root:pw@db1:3307/None/primary"), { user: "root", password: "pw", host: "db1", port: 3307, socket: "", db: "", nickname: "primary" });
  assert.deepEqual(parseMysqlHost("u:p@localhost/app"), { user: "u", password: "p", host: "localhost", port: 3306, socket: "", db: "app", nickname: "" });
  assert.throws(() => parseMysqlHost("user:secret-pw@"), (e: Error) => /expected user:password@host:port\/db/.test(e.message) && !e.message.includes("secret-pw"));
  const rows = [
    { Variable_name: "Com_select", Value: "12" },
    { Variable_name: "Innodb_buffer_pool_dump_status", Value: "Dumping of buffer pool not started" },
    { Variable_name: "Uptime", Value: "3.5" },
  ];
  assert.deepEqual(Object.fromEntries(numericStatus(rows)), { Com_select: 12, Uptime: 3.5 });
  assert.deepEqual(Object.fromEntries(numericStatus([{ Seconds_Behind_Master: 4, Master_Port: 3306, Slave_IO_Running: "Yes", Last_Errno: 0 }])), { Seconds_Behind_Master: 4 });
});

test("postgres: bigint strings and rows to Diamond's database.<db>.<column>", () => {
  assert.equal(pgNumber("12345678901234"), 12345678901234);
  assert.equal(pgNumber(null), undefined);
  assert.equal(pgNumber("abc"), undefined);
  const m = databaseMetrics([{ datname: "app_db", numbackends: 2, xact_commit: "100", size: "8000000", conflicts: null }], true);
  assert.deepEqual(Object.fromEntries(m), { "database.app.db.numbackends": 2, "database.app.db.xact_commit": 100, "database.app.db.size": 8000000 });
});

test("check-config shows the service collectors' sections with their passwords masked", async () => {
  const { loadConfig } = await import("../../src/config/index.js");
  const { checkCollectorsConfig } = await import("../../src/collectors/index.js");
  const config = loadConfig({ text: "[collector.mysql]\nenabled = true\npassword = topsecret\n[collector.redis]\npassword = r3dis\n[collector.postgres]\nuser = app\n", env: {} });
  const { text } = await checkCollectorsConfig(config);
  assert.match(text, /\[collector\.mysql\][^[]*password = \*\*\*/);
  assert.match(text, /\[collector\.redis\][^[]*password = \*\*\*/);
  assert.match(text, /\[collector\.postgres\][^[]*password = \n/);
  assert.doesNotMatch(text, /topsecret|r3dis/);
});
