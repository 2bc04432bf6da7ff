/**
 * Issue 16: `[store] backend = victoriametrics` against a real VictoriaMetrics started here. A local
 * Loupe (collectors on, Graphite history sent to it) forwards everything it stores to a VM-backed
 * Loupe over Graphite (`[forward.copy]`), so both hold the same points: /render (1 h raw, 7 days
 * consolidated through the engine's rollups, several functions), /metrics/find and the tag API answer
 * the same on both.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { startVictoriaMetrics, VM_BIN } from "../helpers/servers.js";
import { needs } from "../helpers/system.js";
import { until } from "../forward/helpers.js";
import { assertSameRender, getJson, NO_COLLECTORS, renderUrl, sendGraphite, startTestLoupe, vmPoints, vmStoreSection, type RenderSeries, withCleanup } from "./vm-helpers.js";

async function receivedBytes(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const m = /^loupe_store_remote_received_bytes_total (\d+)/m.exec(text);
  assert.ok(m, "loupe_store_remote_received_bytes_total on /metrics");
  return Number(m[1]);
}

const HOSTS = Array.from({ length: 10 }, (_, i) => `h${String(i).padStart(2, "0")}`);
const DAY = 86_400;

/** 7 days at 60 s for 30 Diamond-path series, 2 h at 10 s for a few app series (two tagged). */
function history(T: number): { lines: string[]; count: number } {
  const lines: string[] = [];
  let seed = 7;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (const h of HOSTS) {
    let rx = 1e6;
    for (let t = T - 7 * DAY + 60; t <= T; t += 60) {
      rx += Math.floor(rnd() * 50_000);
      lines.push(`servers.${h}.cpu.total.user ${Math.round(rnd() * 10_000) / 100} ${t}`);
      lines.push(`servers.${h}.loadavg.01 ${Math.round(rnd() * 400) / 100} ${t}`);
      lines.push(`servers.${h}.network.eth0.rx_byte ${rx} ${t}`);
    }
  }
  let counter = 0;
  for (let t = T - 7200 + 10; t <= T; t += 10) {
    counter += Math.floor(rnd() * 1000);
    for (const s of ["a", "b", "c"]) lines.push(`app.fast.${s} ${Math.round(rnd() * 1000) / 10} ${t}`);
    lines.push(`app.counter ${counter} ${t}`);
    lines.push(`app.tagged;dc=eu;tier=web ${Math.round(rnd() * 100)} ${t}`);
    lines.push(`app.tagged;dc=us;tier=db ${Math.round(rnd() * 100)} ${t}`);
  }
  return { lines, count: lines.length };
}

const RAW_TARGETS = [
  "sumSeries(app.fast.*)",
  "perSecond(app.counter)",
  'summarize(app.fast.a, "5min", "sum")',
  "movingAverage(app.fast.b, 6)",
  "aliasByNode(app.fast.*, 2)",
  "seriesByTag('name=app.tagged', 'dc=eu')",
  // reads that depend on values read first (a second prefetch round) and on another window
  'useSeriesAbove(app.fast.*, 50, "fast.a", "counter")',
  'timeShift(app.fast.a, "10min")',
];
const WEEK_TARGETS = [
  "sumSeries(servers.*.cpu.total.user)",
  "aliasByNode(servers.*.loadavg.01, 1)",
  "movingAverage(servers.h01.cpu.total.user, 5)",
  'summarize(servers.h02.loadavg.01, "1d", "max")',
  "perSecond(servers.h03.network.eth0.rx_byte)",
  "servers.*.*.*.*",
];

test("a VictoriaMetrics-backed Loupe answers /render, find and tags as a local one with the same data", { skip: needs(VM_BIN), timeout: 300_000 }, (t) => withCleanup(async (defer) => {
  const vm = await startVictoriaMetrics();
  defer(() => vm.stop());
  const remote = await startTestLoupe([...vmStoreSection(vm.url, ["index_refresh = 1s"]), "[alerting]", "enabled = false", ...NO_COLLECTORS]);
  defer(() => remote.loupe.stop());
  const local = await startTestLoupe([
    "[collectors]",
    "interval = 1s",
    "hostname = collhost",
    "[alerting]",
    "enabled = false",
    "[forward.copy]",
    "type = graphite",
    `addr = 127.0.0.1:${remote.graphitePort}`,
    "batch_max_wait = 100ms",
    "batch_size = 20000",
    ...["diskspace", "iostat", "network", "vmstat", "uptime", "sockets", "tcp", "processes"].flatMap((c) => [`[collector.${c}]`, "enabled = false"]),
  ]);
  defer(() => local.loupe.stop());

  const T = Math.floor(Date.now() / 1000 / 3600) * 3600 - 3600;
  const { lines, count } = history(T);
  for (let i = 0; i < lines.length; i += 50_000) await sendGraphite(local.graphitePort, lines.slice(i, i + 50_000));
  await until("history in VictoriaMetrics", async () => (await vmPoints(vm.url, '{__name__=~"servers\\\\.h.*|app\\\\..*"}')) === count || undefined, 120_000, 500);

  await t.test("1 h raw: same answers", async () => {
    for (const target of RAW_TARGETS) {
      const url = (base: string): string => renderUrl(base, [target], T - 3600, T);
      const [a, b] = [await getJson<RenderSeries[]>(url(local.url)), await getJson<RenderSeries[]>(url(remote.url))];
      assert.ok(a.length > 0, `${target}: local has series`);
      assert.ok(assertSameRender(a, b, `1h ${target}`) > 10, `${target}: values compared`);
    }
  });

  await t.test("7 days at maxDataPoints=300: same answers (engine rollups)", async () => {
    for (const target of WEEK_TARGETS) {
      const url = (base: string): string => renderUrl(base, [target], T - 7 * DAY, T, 300);
      const [a, b] = [await getJson<RenderSeries[]>(url(local.url)), await getJson<RenderSeries[]>(url(remote.url))];
      assert.ok(a.length > 0, `${target}: local has series`);
      assert.ok(assertSameRender(a, b, `7d ${target}`) >= 7, `${target}: values compared`);
    }
  });

  await t.test("a 7-day panel of 30 series pulls rollups, not the 302,400 raw points", async () => {
    const before = await receivedBytes(remote.url);
    await getJson(renderUrl(remote.url, ["servers.*.*.*.*"], T - 7 * DAY + 5, T, 300));
    const bytes = (await receivedBytes(remote.url)) - before;
    // raw: ~302k points (several MB of JSON); 5-minute rollups: 30 × 288 values
    assert.ok(bytes > 0 && bytes < 1_000_000, `bytes received from the engine: ${bytes}`);
  });

  await t.test("collectors' Diamond paths: same answers", async () => {
    const stop = Math.floor(Date.now() / 1000) - 2;
    // the copy forwarder and the store's queue have sent everything up to `stop`
    await until("collected points copied", () => local.loupe.forwarders.status().every((s) => s.queuedPoints === 0) && remote.loupe.forwarders.status().every((s) => s.queuedPoints === 0), 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    for (const target of ["servers.collhost.loadavg.*", "sumSeries(servers.collhost.memory.*)", "servers.collhost.cpu.total.*"]) {
      const url = (base: string): string => renderUrl(base, [target], stop - 20, stop);
      const [a, b] = [await getJson<RenderSeries[]>(url(local.url)), await getJson<RenderSeries[]>(url(remote.url))];
      assert.ok(a.length > 0, `${target}: local has series`);
      assertSameRender(a, b, `collectors ${target}`);
    }
  });

  await t.test("find and tags agree", async () => {
    await until("index has the collected series", async () => {
      const q = "/metrics/find?query=servers.collhost.*";
      return JSON.stringify(await getJson(local.url + q)) === JSON.stringify(await getJson(remote.url + q)) || undefined;
    }, 10_000);
    for (const q of ["servers.*", "servers.h0*.*", "servers.h01.network.*.*", "app.*", "app.fast.*", "*"]) {
      const path = `/metrics/find?query=${encodeURIComponent(q)}`;
      assert.deepEqual(await getJson(remote.url + path), await getJson(local.url + path), path);
    }
    for (const path of ["/tags/findSeries?expr=dc=eu", "/tags/findSeries?expr=name=~app.*", "/tags/autoComplete/tags?expr=name=app.tagged", "/tags/autoComplete/values?tag=dc&expr=name=app.tagged", "/tags/dc"]) {
      assert.deepEqual(await getJson(remote.url + path), await getJson(local.url + path), path);
    }
  });
}));
