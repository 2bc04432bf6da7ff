import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig, defaultConfig, formatEffectiveConfig, validateSection, opt } from "../../src/config/index.js";
import { runCli, type CliIo } from "../../src/cli.js";
import { tempDir } from "../helpers/tmp.js";

const dir = tempDir();

function capture(): CliIo & { outText: string; errText: string } {
  const io = {
    outText: "",
    errText: "",
    out(t: string) {
      io.outText += t;
    },
    err(t: string) {
      io.errText += t;
    },
  };
  return io;
}

test("embedded defaults are complete and typed", () => {
  const c = defaultConfig();
  assert.equal(c.server.http_addr, "127.0.0.1");
  assert.equal(c.server.http_port, 3000);
  assert.equal(c.server.root_url, "http://localhost:3000/");
  assert.equal(c.paths.data, "./data");
  assert.equal(c.database.path, join("./data", "loupe.db"));
  assert.equal(c.log.level, "info");
  assert.equal(c.collectors.interval, 10_000);
  assert.equal(c.collectors.path_prefix, "servers");
  assert.equal(c.retention.rollup_1h, 2 * 365 * 86_400_000);
  assert.deepEqual(c["ingest.graphite"].tcp_addr, { host: "127.0.0.1", port: 2003 });
  assert.equal(c.meta.file, undefined);
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.server));
});

test("values from a file, durations and sizes", () => {
  const c = loadConfig({
    text: "[server]\nhttp_port = 3001\n[collectors]\ninterval = 5m\n[store]\nmax_size = 512MB\n[paths]\ndata = /tmp/x\n",
    env: {},
  });
  assert.equal(c.server.http_port, 3001);
  assert.equal(c.collectors.interval, 300_000);
  assert.equal(c.store.max_size, 512 * 1024 * 1024);
  assert.equal(c.database.path, "/tmp/x/loupe.db");
});

test("environment overrides LOUPE_<SECTION>_<KEY>, dots as underscores", () => {
  const c = loadConfig({
    text: "[server]\nhttp_port = 3001\n",
    env: { LOUPE_SERVER_HTTP_PORT: "3002", LOUPE_PATHS_DATA: "/tmp/y", LOUPE_AUTH_GITHUB_CLIENT_ID: "abc", LOUPE_INGEST_GRAPHITE_UDP_ADDR: "" },
  });
  assert.equal(c.server.http_port, 3002);
  assert.equal(c.paths.data, "/tmp/y");
  assert.equal(c["auth.github"].client_id, "abc");
  assert.equal(c["ingest.graphite"].udp_addr, null);
});

test("a bad environment value names the variable", () => {
  assert.throws(() => loadConfig({ text: "", env: { LOUPE_SERVER_HTTP_PORT: "x" } }), /environment variable LOUPE_SERVER_HTTP_PORT.*\[server\] http_port.*"x".*integer/);
});

test("lookup order: --config, then $LOUPE_CONFIG, then ./loupe.ini", () => {
  const a = join(dir, "a.ini");
  const b = join(dir, "b.ini");
  writeFileSync(a, "[server]\nhttp_port = 1111\n");
  writeFileSync(b, "[server]\nhttp_port = 2222\n");
  writeFileSync(join(dir, "loupe.ini"), "[server]\nhttp_port = 3333\n");
  assert.equal(loadConfig({ configPath: a, env: { LOUPE_CONFIG: b }, cwd: dir }).server.http_port, 1111);
  assert.equal(loadConfig({ env: { LOUPE_CONFIG: b }, cwd: dir }).server.http_port, 2222);
  assert.equal(loadConfig({ env: {}, cwd: dir }).server.http_port, 3333);
});

test("dynamic [collector.x] sections validate with their owner's spec", () => {
  const c = loadConfig({ text: "[collector.nginx]\nenabled = true\nreq_port = 8081\n", env: { LOUPE_COLLECTOR_NGINX_REQ_HOST: "127.0.0.2" } });
  const spec = { enabled: opt.bool(false, "on"), req_port: opt.int(8080, "port", { min: 1, max: 65535 }), req_host: opt.string("localhost", "host") };
  const v = validateSection(c, "collector.nginx", spec);
  assert.deepEqual({ ...v }, { enabled: true, req_port: 8081, req_host: "127.0.0.2" });
  const bad = loadConfig({ text: "[collector.nginx]\nreq_prot = 1\n", env: {} });
  assert.throws(() => validateSection(bad, "collector.nginx", spec), /<config>:2: \[collector.nginx\] req_prot: unknown key \(did you mean "req_port"\?\)/);
});

test("check-config masks secrets", async () => {
  const f = join(dir, "secret.ini");
  writeFileSync(f, "[auth.github]\nclient_id = my-id\nclient_secret = s3cr3t-value\n");
  const io = capture();
  assert.equal(await runCli(["check-config", "--config", f], io), 0);
  assert.match(io.outText, /client_id = my-id/);
  assert.match(io.outText, /client_secret = \*\*\*/);
  assert.doesNotMatch(io.outText, /s3cr3t/);
  assert.doesNotMatch(formatEffectiveConfig(loadConfig({ configPath: f, env: {} })), /s3cr3t/);
});

// Each bad file: content, and what the error must name (file:line, [section] key, detail).
const bad: Array<{ name: string; text: string; expect: RegExp[] }> = [
  { name: "bad port", text: "[server]\nhttp_port = 70000\n", expect: [/:2: \[server\] http_port/, /"70000"/, /integer from 0 to 65535/] },
  { name: "unknown section", text: "[server]\nhttp_port = 3000\n\n[severs]\nx = 1\n", expect: [/:4: \[severs\]/, /unknown section/, /did you mean \[server\]/] },
  { name: "unknown key with suggestion", text: "[server]\nhttp_prot = 3000\n", expect: [/:2: \[server\] http_prot/, /unknown key/, /did you mean "http_port"/] },
  { name: "wrong type", text: "[ingest.graphite]\nenabled = maybe\n", expect: [/:2: \[ingest.graphite\] enabled/, /"maybe"/, /true or false/] },
  { name: "bad duration", text: "[collectors]\n\ninterval = 10 parsecs\n", expect: [/:3: \[collectors\] interval/, /"10 parsecs"/, /duration/] },
  { name: "duplicate key", text: "[log]\nlevel = info\nformat = json\nlevel = debug\n", expect: [/:4: \[log\] level/, /duplicate key \(first set on line 2\)/] },
  { name: "bad enum", text: "[log]\nlevel = loud\n", expect: [/:2: \[log\] level/, /one of error, warn, info, debug/] },
  { name: "bad size", text: "[store]\nmax_size = lots\n", expect: [/:2: \[store\] max_size/, /size/] },
  { name: "line that is not key = value", text: "[server]\nhttp_port\n", expect: [/:2: \[server\]/, /expected "key = value"/] },
  { name: "key outside a section", text: "http_port = 1\n", expect: [/:1: http_port/, /outside any section/] },
];

for (const c of bad) {
  test(`check-config exits 1 naming the place: ${c.name}`, async () => {
    const f = join(dir, `${c.name.replace(/\W+/g, "-")}.ini`);
    writeFileSync(f, c.text);
    const io = capture();
    assert.equal(await runCli(["check-config", "--config", f], io), 1);
    assert.ok(io.errText.includes(f), `error names the file: ${io.errText}`);
    for (const re of c.expect) assert.match(io.errText, re);
  });
}

test("check-config exits 1 for a missing file, naming it", async () => {
  const io = capture();
  const f = join(dir, "nope.ini");
  assert.equal(await runCli(["check-config", "--config", f], io), 1);
  assert.match(io.errText, /nope\.ini: config file not found/);
});

test("every problem is reported, not only the first", () => {
  try {
    loadConfig({ text: "[server]\nhttp_port = x\nhttp_addr = 127.0.0.1\n[log]\nlevel = loud\n", env: {} });
    assert.fail("should throw");
  } catch (err) {
    const msg = (err as Error).message;
    assert.match(msg, /:2: \[server\] http_port/);
    assert.match(msg, /:5: \[log\] level/);
  }
});
