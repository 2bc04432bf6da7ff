/** GET /api/hosts and GET /hosts over real HTTP: Viewers only, the report as JSON and as a table, the max_hosts cut counted. */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { RequestHandler } from "express";
import { FakeClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import { MetricsRegistry } from "../../src/lib/metrics.js";
import { createApp, startHttpServer, OPEN_PRINCIPAL, type Principal } from "../../src/http/index.js";
import { hostsReporter, hostsRoutes } from "../../src/http/routes/api/hosts.js";
import { hostsPages } from "../../src/http/routes/pages/hosts.js";
import type { HostsReport } from "../../src/query/index.js";
import { openTestStore } from "../ingest/test-store.js";
import { tempDir } from "../helpers/tmp.js";

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);

test("hosts API and page: Viewers see every host, up and silent; anonymous is refused; max_hosts cuts are counted", async () => {
  const store = await openTestStore(tempDir("loupe-hosts-http-"));
  const samples = [];
  for (let i = 0; i < 5; i++) {
    samples.push({ name: "servers.alpha.loadavg.01", ts: NOW - 5_000 - (4 - i) * 10_000, value: 1 });
    samples.push({ name: "servers.beta.loadavg.01", ts: NOW - 300_000 - (4 - i) * 10_000, value: 2 });
  }
  await store.write(samples.sort((a, b) => a.ts - b.ts));
  let who: Principal | undefined = OPEN_PRINCIPAL;
  const auth: RequestHandler = (_req, res, next) => {
    if (who !== undefined) res.locals["principal"] = who;
    next();
  };
  const metrics = new MetricsRegistry();
  const clock = new FakeClock(NOW);
  const options = { pathPrefix: "servers", ownHost: "alpha", defaultIntervalMs: 10_000, silentIntervals: 3, maxHosts: 10 };
  let report = hostsReporter({ store, clock, metrics, options });
  const app = createApp({ log: silentLogger, before: [auth], routers: [hostsRoutes(() => report()), hostsPages(() => report())] });
  const http = await startHttpServer(app, "127.0.0.1", 0);
  const base = `http://127.0.0.1:${http.port}`;
  try {
    const r = (await (await fetch(`${base}/api/hosts`)).json()) as HostsReport;
    assert.deepEqual(r.hosts.map((h) => [h.name, h.status, h.sources.join()]), [["alpha", "up", "local"], ["beta", "silent", "diamond"]]);
    assert.equal(r.hosts[1]!.silentSince, NOW - 300_000);
    const page = await (await fetch(`${base}/hosts`)).text();
    assert.match(page, /<tr data-host="alpha" data-status="up">/);
    assert.match(page, /<tr data-host="beta" data-status="silent">[\s\S]*?silent since 2026-12-03 11:55:00/);
    assert.match(page, /href="\/d\/host-overview\?var-host=beta"/);
    assert.match(page, /<a href="\/hosts" class="active">Hosts<\/a>/, "the nav links the page");
    assert.match(page, /id="hosts-truncated" hidden/);

    report = hostsReporter({ store, clock, metrics: new MetricsRegistry(), options: { ...options, maxHosts: 1 } });
    const cut = (await (await fetch(`${base}/api/hosts`)).json()) as HostsReport;
    assert.deepEqual([cut.hosts.length, cut.known, cut.truncated], [1, 2, true]);
    assert.match(await (await fetch(`${base}/hosts`)).text(), /<p class="error-text" id="hosts-truncated">Only the first 1 of 2 hosts/);
    assert.equal(metrics.expose().match(/^loupe_hosts_truncated_total (\d+)$/m)?.[1] ?? "0", "0", "the first reporter never cut");

    who = undefined;
    assert.equal((await fetch(`${base}/api/hosts`)).status, 401);
    const anon = await fetch(`${base}/hosts`, { redirect: "manual" });
    assert.ok(anon.status === 401 || anon.status === 302, `anonymous /hosts: ${anon.status}`);
  } finally {
    await http.close();
    await store.close();
  }
});

test("the truncation counter counts each cut answer", async () => {
  const store = await openTestStore(tempDir("loupe-hosts-cnt-"));
  await store.write([{ name: "servers.a.x", ts: NOW, value: 1 }, { name: "servers.b.x", ts: NOW, value: 1 }]);
  try {
    const metrics = new MetricsRegistry();
    const report = hostsReporter({ store, clock: new FakeClock(NOW), metrics, options: { pathPrefix: "servers", ownHost: "", defaultIntervalMs: 10_000, silentIntervals: 3, maxHosts: 1 } });
    report();
    report();
    assert.match(metrics.expose(), /^loupe_hosts_truncated_total 2$/m);
  } finally {
    await store.close();
  }
});
