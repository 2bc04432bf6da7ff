// `loupe setup --detect`: against a real redis-server (no password, then with requirepass), a TCP
// listener standing for MySQL, a unix socket named like PostgreSQL's, a stub_status page, and the
// fixture cgroup tree; then a host with nothing on it.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createServer as createHttpServer } from "node:http";
import { createServer, type Server as NetServer } from "node:net";
import { join } from "node:path";
import { mkdirSync } from "node:fs";
import { needs, freePort } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";
import { detect, formatDetect } from "../../src/collectors/detect.js";
import { FIXTURES } from "./helpers.js";
import { REDIS_SERVER, REDIS_PASSWORD, startRedis, type Server } from "./service-servers.js";

const skip = needs(REDIS_SERVER);
const started: Array<Server | NetServer | ReturnType<typeof createHttpServer>> = [];
after(async () => {
  for (const s of started) {
    if ("pid" in s) await s.stop();
    else await new Promise((r) => s.close(() => r(undefined)));
  }
});

function listen<T extends NetServer | ReturnType<typeof createHttpServer>>(s: T, where: number | string): Promise<T> {
  started.push(s);
  return new Promise((resolve) => (typeof where === "number" ? s.listen(where, "127.0.0.1", () => resolve(s)) : s.listen(where, () => resolve(s))));
}

test("detect: finds redis (and whether it wants a password), mysql, postgres's socket, nginx stub_status, cgroups", { skip }, async () => {
  const [redis, redisAuth] = await Promise.all([startRedis(), startRedis(REDIS_PASSWORD)]);
  started.push(redis, redisAuth);
  const mysqlPort = await freePort();
  await listen(createServer((c) => c.end()), mysqlPort);
  const pgDir = tempDir("loupe-detect-pg-");
  const pgPort = await freePort(); // nothing on it over TCP: found by its socket file only
  await listen(createServer((c) => c.end()), join(pgDir, `.s.PGSQL.${pgPort}`));
  const nginxPort = await freePort();
  await listen(createHttpServer((_, res) => res.end("Active connections: 1 \nserver accepts handled requests\n 5 5 9 \nReading: 0 Writing: 1 Waiting: 0 \n")), nginxPort);
  const none = tempDir("loupe-detect-none-");
  const r = await detect({
    ports: { mysql: mysqlPort, postgres: pgPort, redis: redis.port },
    sockets: { postgres: [pgDir], mysql: [], redis: [] },
    nginxUrls: [`http://127.0.0.1:${await freePort()}/nginx_status`, `http://127.0.0.1:${nginxPort}/status`],
    cgroupRoot: join(FIXTURES, "cgroups", "v2-docker", "cgroup"),
    hwmonDir: none,
    smartctl: join(none, "smartctl"),
    systemdMarker: join(none, "systemd"),
  });
  const by = new Map(r.findings.map((f) => [f.collector, f]));
  assert.deepEqual([...by.keys()].sort(), ["cgroups", "mysql", "nginx", "postgres", "redis"]);
  assert.match(by.get("redis")!.found, /without a password .*ready to enable/);
  assert.match(by.get("mysql")!.found, new RegExp(`127\\.0\\.0\\.1:${mysqlPort}`));
  assert.deepEqual(by.get("postgres")!.keys.find(([k]) => k === "host"), ["host", pgDir]);
  assert.deepEqual(by.get("nginx")!.keys, [["req_host", "127.0.0.1"], ["req_port", String(nginxPort)], ["req_path", "/status"]]);
  assert.match(by.get("cgroups")!.found, /cgroup v2 .*5 systemd service\(s\), 4 container\(s\)/);
  const text = formatDetect(r);
  assert.match(text, new RegExp(`\\[collector\\.redis\\]\\nenabled = false\\nhost = 127\\.0\\.0\\.1\\nport = ${redis.port}\\n`));
  assert.match(text, /smartctl: not installed/);

  const auth = await detect({ ports: { mysql: await freePort(), postgres: await freePort(), redis: redisAuth.port }, sockets: { mysql: [], postgres: [], redis: [] }, nginxUrls: [], cgroupRoot: none, hwmonDir: none, smartctl: none, systemdMarker: join(none, "x") });
  assert.deepEqual(auth.findings.map((f) => f.collector), ["redis"]);
  assert.match(auth.findings[0]!.found, /wants a password/);
});

test("detect: a host with nothing says so", async () => {
  const none = tempDir("loupe-detect-empty-");
  mkdirSync(join(none, "hwmon"));
  // with sensors and smartctl there, and collectors for them known: their sections too
  mkdirSync(join(none, "hw", "hwmon0"), { recursive: true });
  const hw = await detect({ ports: { mysql: await freePort(), postgres: await freePort(), redis: await freePort() }, sockets: { mysql: [], postgres: [], redis: [] }, nginxUrls: [], cgroupRoot: none, hwmonDir: join(none, "hw"), smartctl: join(none, "hw"), systemdMarker: join(none, "x") }, ["cpu", "hwmon", "smart"]);
  assert.deepEqual(hw.findings.map((f) => f.collector), ["hwmon", "smart"]);
  const r = await detect({ ports: { mysql: await freePort(), postgres: await freePort(), redis: await freePort() }, sockets: { mysql: [], postgres: [none], redis: [] }, nginxUrls: [], cgroupRoot: none, hwmonDir: join(none, "hwmon"), smartctl: join(none, "smartctl"), systemdMarker: join(none, "x") });
  assert.equal(r.findings.length, 0);
  const text = formatDetect(r);
  assert.match(text, /no MySQL\/MariaDB, PostgreSQL, Redis, nginx stub_status, cgroups or systemd found/);
  assert.match(text, /hwmon: no sensors/);
});

test("loupe setup --detect prints the sections on stdout and exits 0", async () => {
  const { setupCommand } = await import("../../src/collectors/index.js");
  let out = "";
  let err = "";
  const code = await setupCommand.run(["--detect"], { out: (t) => void (out += t), err: (t) => void (err += t) });
  assert.equal(code, 0, err);
  assert.match(out, /^;; loupe setup --detect/);
  assert.match(out, /; smartctl: /);
});
