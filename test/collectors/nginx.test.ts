// The nginx collector against a real nginx (Debian package) on a loopback port with stub_status:
// rates and active connections move with the traffic we send; with nginx stopped the error is
// counted and the other collectors still write.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer, connect, type Socket } from "node:net";
import { get } from "node:http";
import { join } from "node:path";
import { needs } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";
import { createProcFs } from "../../src/collectors/index.js";
import { createLogger, type Logger } from "../../src/lib/logger.js";
import { harness, MemoryProcFs, type Harness } from "./helpers.js";

const NGINX = "/usr/sbin/nginx";
const skip = needs(NGINX);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === "object" && a !== null ? a.port : 0));
    });
  });
}

function request(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = get({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
  });
}

async function startNginx(): Promise<{ port: number; child: ChildProcess; stop(): Promise<void> }> {
  const dir = tempDir("loupe-nginx-");
  const port = await freePort();
  const conf = join(dir, "nginx.conf");
  writeFileSync(
    conf,
    `user root;
worker_processes 1;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location /nginx_status { stub_status; }
    location / { return 200 "ok\\n"; }
  }
}
`,
  );
  const child = spawn(NGINX, ["-p", dir, "-e", `${dir}/error.log`, "-c", conf, "-g", `daemon off; pid ${dir}/nginx.pid;`], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  for (let i = 0; ; i++) {
    try {
      if ((await request(port, "/")) === 200) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || i > 100) throw new Error(`nginx did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    child.kill("SIGTERM");
    await exited;
  };
  after(stop);
  return { port, child, stop };
}

function openIdle(port: number, n: number): Promise<Socket[]> {
  return Promise.all(
    Array.from({ length: n }, () => new Promise<Socket>((resolve, reject) => {
      const s = connect(port, "127.0.0.1", () => resolve(s));
      s.on("error", reject);
    })),
  );
}

async function nginxHarness(port: number, log?: Logger): Promise<Harness> {
  const procfs = new MemoryProcFs();
  const live = createProcFs();
  // loadavg reads the live kernel: the "other collector" of the stopped-nginx test.
  procfs.readProc = (p) => live.readProc(p);
  procfs.readSys = (p) => live.readSys(p);
  return harness(["nginx", "loadavg"], { procfs, ini: `[collector.nginx]\nreq_host = 127.0.0.1\nreq_port = ${port}\ntimeout = 3s\nprecision = 2\n`, ...(log !== undefined ? { log } : {}) });
}

test("nginx stub_status: requests and connections per second and active connections follow real traffic", { skip }, async () => {
  const nginx = await startNginx();
  const h = await nginxHarness(nginx.port);
  const first = await h.run("nginx");
  assert.equal(first.get("active_connections"), 1, "only the collector's own request");
  assert.equal(first.get("act_writes"), 1);
  assert.equal(first.has("req_handled"), false, "first run primes the rates");
  const before = first.get("req_per_conn")!;
  assert.ok(before >= 1);

  for (let i = 0; i < 20; i++) assert.equal(await request(nginx.port, "/"), 200);
  h.clock.advance(10_000);
  const second = await h.run("nginx");
  // 20 requests on 20 connections, plus the collector's own: 21 in 10 s.
  assert.equal(second.get("req_handled"), 2.1);
  assert.equal(second.get("conn_accepted"), 2.1);
  assert.equal(second.get("conn_handled"), 2.1);
  assert.equal(second.get("active_connections"), 1);

  const idle = await openIdle(nginx.port, 3);
  await new Promise((r) => setTimeout(r, 100));
  h.clock.advance(10_000);
  const third = await h.run("nginx");
  assert.equal(third.get("active_connections"), 4, "three idle connections held open plus ours");
  assert.equal(third.get("act_reads")! + third.get("act_writes")! + third.get("act_waits")!, 4);
  assert.equal(third.get("conn_accepted"), 0.4, "3 idle + ours in 10 s");
  assert.equal(third.get("req_handled"), 0.1, "idle connections send no request");
  for (const s of idle) s.destroy();

  let active = Infinity;
  for (let i = 0; i < 50 && active !== 1; i++) {
    await new Promise((r) => setTimeout(r, 20));
    h.clock.advance(1000);
    active = (await h.run("nginx")).get("active_connections")!;
  }
  assert.equal(active, 1, "closed connections leave the active count");
  await nginx.stop();
});

test("nginx stopped: the error is counted and logged once, the other collectors still write", { skip }, async () => {
  const nginx = await startNginx();
  const lines: string[] = [];
  const h = await nginxHarness(nginx.port, createLogger({ level: "warn", format: "json", sink: { write: (l) => void lines.push(l) } }));
  assert.equal((await h.collectors.scheduler.runAll()).get("nginx"), "ok");
  await nginx.stop();
  for (let i = 1; i <= 2; i++) {
    h.sink.clear();
    h.clock.advance(10_000);
    const out = await h.collectors.scheduler.runAll();
    assert.equal(out.get("nginx"), "error");
    assert.equal(out.get("loadavg"), "ok");
    const last = h.sink.last();
    assert.equal(last.get("loupe.collector.nginx.errors"), i);
    assert.equal([...last.keys()].some((k) => k.startsWith("servers.testhost.nginx.")), false);
    assert.ok(last.has("servers.testhost.loadavg.01"), "loadavg still wrote");
    assert.ok(last.has("servers.testhost.loadavg.processes_total"));
  }
  const stats = h.collectors.scheduler.stats("nginx")!;
  assert.equal(stats.errors, 2);
  assert.match(stats.lastError!, /cannot reach nginx at http:\/\/127\.0\.0\.1:\d+\/nginx_status: ECONNREFUSED/);
  assert.match(h.metrics.expose(), /loupe_collector_errors_total\{collector="nginx"\} 2/);
  const failing = lines.map((l) => JSON.parse(l) as { msg: string; collector?: string }).filter((l) => l.msg === "collector failing");
  assert.deepEqual(failing.map((l) => l.collector), ["nginx"], "logged once for two failed runs");
});

test("stub_status parser: exact values; other pages are errors", async () => {
  const { parseStubStatus } = await import("../../src/collectors/nginx.js");
  assert.deepEqual(parseStubStatus("Active connections: 291 \nserver accepts handled requests\n 16630948 16630948 31070465 \nReading: 6 Writing: 179 Waiting: 106 \n"), {
    active: 291,
    accepts: 16630948,
    handled: 16630948,
    requests: 31070465,
    reading: 6,
    writing: 179,
    waiting: 106,
  });
  assert.throws(() => parseStubStatus("<html>Welcome to nginx!</html>"), /not an nginx stub_status page/);
});

test("nginx collector sends req_host_header, and reports HTTP errors", async () => {
  const { createServer: createHttpServer } = await import("node:http");
  const hosts: string[] = [];
  let status = 200;
  const srv = createHttpServer((req, res) => {
    hosts.push(req.headers.host ?? "");
    res.statusCode = status;
    res.end(req.url === "/status" ? "Active connections: 1 \nserver accepts handled requests\n 5 5 9 \nReading: 0 Writing: 1 Waiting: 0 \n" : "no");
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  after(() => srv.close());
  const port = (srv.address() as { port: number }).port;
  const h = await harness(["nginx"], { ini: `[collector.nginx]\nreq_host = 127.0.0.1\nreq_port = ${port}\nreq_path = /status\nreq_host_header = status.example\n` });
  const m = await h.run("nginx");
  assert.deepEqual(hosts, ["status.example"]);
  assert.equal(m.get("req_per_conn"), 2, "9 / 5 = 1.8, sent with Diamond's default precision 0");
  assert.equal(m.get("active_connections"), 1);
  status = 403;
  assert.equal(await h.collectors.scheduler.run("nginx"), "error");
  assert.match(h.collectors.scheduler.stats("nginx")!.lastError!, /answered HTTP 403/);
});
