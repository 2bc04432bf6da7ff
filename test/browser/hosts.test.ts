/**
 * The hosts page on the whole of Loupe (startLoupe): two hosts send Diamond paths over Graphite TCP
 * every second; one stops, and the page (refreshing itself) shows it "silent" within 5 of its
 * intervals while the other stays "up"; its link opens its Host overview; the Host overview's "All"
 * shows both hosts.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { startLoupe, type Running } from "../../src/main.js";
import { loadConfig } from "../../src/config/index.js";
import { createLogger } from "../../src/lib/logger.js";
import { needs } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";
import { ARTIFACTS, CHROMIUM, buildWeb, drawn, jsErrors, launchBrowser, newPage, waitLoads } from "./harness.js";

const skip = needs(CHROMIUM);
const INTERVAL_MS = 1_000;
let loupe: Running;
let base: string;
let graphitePort: number;
let browser: Browser;

/** A Diamond-like sender: every INTERVAL_MS, CPU, memory, load and root disk lines for `host`. */
class Sender {
  private timer: NodeJS.Timeout | undefined;
  private readonly socket: Socket;
  private n = 0;

  constructor(
    readonly host: string,
    private readonly load: number,
  ) {
    this.socket = connect(graphitePort, "127.0.0.1");
    this.socket.on("error", () => undefined);
  }

  start(): void {
    const send = (): void => {
      const ts = Math.floor(Date.now() / 1000);
      const p = `servers.${this.host}`;
      const busy = 20 + (this.n++ % 5);
      const lines = [
        `${p}.cpu.total.user ${busy} ${ts}`,
        `${p}.cpu.total.system 5 ${ts}`,
        `${p}.cpu.total.idle ${175 - busy} ${ts}`,
        `${p}.memory.MemTotal 8000000000 ${ts}`,
        `${p}.memory.MemAvailable 6000000000 ${ts}`,
        `${p}.loadavg.01 ${this.load} ${ts}`,
        `${p}.loadavg.05 ${this.load} ${ts}`,
        `${p}.loadavg.15 ${this.load} ${ts}`,
        `${p}.diskspace.root.byte_used 30000000000 ${ts}`,
        `${p}.diskspace.root.byte_avail 70000000000 ${ts}`,
      ];
      this.socket.write(lines.join("\n") + "\n");
    };
    send();
    this.timer = setInterval(send, INTERVAL_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.socket.end();
  }
}

let senders: Sender[] = [];

before(async () => {
  if (skip) return;
  buildWeb();
  mkdirSync(ARTIFACTS, { recursive: true });
  const dir = tempDir("loupe-hosts-browser-");
  const text = ["[server]", "http_addr = 127.0.0.1", "http_port = 0", "[paths]", `data = ${dir}`, "[collectors]", "hostname = self", "[ingest.graphite]", "tcp_addr = 127.0.0.1:0", "udp_addr =", "[store]", "fsync = off"].join("\n");
  const logs: string[] = [];
  loupe = await startLoupe(loadConfig({ text, env: {} }), createLogger({ level: "info", sink: { write: (l) => void logs.push(l) } }));
  const m = /graphite tcp listening .*port=(\d+)/.exec(logs.join(""));
  assert.ok(m, "graphite listener logged");
  graphitePort = Number(m[1]);
  base = `http://127.0.0.1:${loupe.httpPort}`;
  browser = await launchBrowser();
  senders = [new Sender("alpha", 1.25), new Sender("bravo", 0.5)];
  for (const s of senders) s.start();
  // a few intervals, so each host's interval is measured from its points
  await new Promise((r) => setTimeout(r, 4 * INTERVAL_MS + 500));
});

after(async () => {
  for (const s of senders) s.stop();
  await browser?.close();
  await loupe?.stop();
});

test("hosts page: a host that stops sending turns silent within 5 intervals, the other stays up; its link opens its Host overview", { skip, timeout: 120_000 }, async () => {
  const { page, context } = await newPage(browser, { base });
  assert.equal((await page.goto(`${base}/hosts`))?.status(), 200);
  assert.equal(await page.locator("nav.mainnav a.active").textContent(), "Hosts");
  await page.waitForSelector('tr[data-host="alpha"][data-status="up"]');
  await page.waitForSelector('tr[data-host="bravo"][data-status="up"]');
  const cells = await page.locator('tr[data-host="alpha"] td').allTextContents();
  assert.equal(cells[3], "1 s", `interval measured from the points: ${cells.join(" | ")}`);
  assert.equal(cells[6], "1.25", "load");
  assert.equal(cells[7], "30 %", "root disk used");
  assert.equal(cells[8], "diamond");

  const stopped = Date.now();
  senders[1]!.stop();
  await page.waitForSelector('tr[data-host="bravo"][data-status="silent"]', { timeout: 30_000 });
  const took = Date.now() - stopped;
  const alpha = await page.getAttribute('tr[data-host="alpha"]', "data-status");
  process.stdout.write(`# bravo shown silent ${took} ms after its sender stopped (interval ${INTERVAL_MS} ms)\n`);
  assert.ok(took <= 5 * INTERVAL_MS, `shown silent after ${took} ms, more than 5 intervals`);
  assert.equal(alpha, "up", "the host still sending stays up");
  assert.match((await page.locator('tr[data-host="bravo"] .host-status').textContent()) ?? "", /^silent since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  await page.screenshot({ path: join(ARTIFACTS, "hosts.png"), fullPage: true });

  await Promise.all([page.waitForURL(/\/d\/host-overview\?var-host=bravo$/), page.click('tr[data-host="bravo"] a.host-link')]);
  await waitLoads(page);
  assert.deepEqual(await page.locator("#var-host option:checked").allTextContents(), ["bravo"]);
  const d = await drawn(page);
  const load = Object.values(d.panels).find((p) => p.title === "Load (1m)");
  assert.ok(load !== undefined && load.series.length === 1 && load.series[0]!.last === 0.5, JSON.stringify(load));
  assert.deepEqual(jsErrors(page), []);
  await context.close();
});

test("Host overview with All shows every host: one headline value each, each chart repeated per host", { skip, timeout: 120_000 }, async () => {
  const { page, context } = await newPage(browser, { base });
  await page.goto(`${base}/d/host-overview?from=now-5m&to=now&var-host=${encodeURIComponent("$__all")}`);
  await waitLoads(page);
  assert.deepEqual(await page.locator("#var-host option:checked").allTextContents(), ["All"]);
  const d = await drawn(page);
  const panels = Object.values(d.panels);
  const load = panels.find((p) => p.title === "Load (1m)");
  assert.ok(load !== undefined, panels.map((p) => p.title).join(", "));
  const byHost = new Map(load.series.map((s) => [s.name, s.last]));
  assert.equal(byHost.get("alpha"), 1.25);
  assert.equal(byHost.get("bravo"), 0.5);
  const cpuBusy = panels.find((p) => p.title === "CPU busy")!;
  assert.deepEqual(cpuBusy.series.map((s) => s.name).filter((n) => n !== "self").sort(), ["alpha", "bravo"]);
  for (const h of ["alpha", "bravo"]) {
    const chart = panels.find((p) => p.title === `Load average · ${h}`);
    assert.ok(chart !== undefined && chart.points > 0, `chart "Load average · ${h}" among ${panels.map((p) => p.title).join(", ")}`);
  }
  // the repeated charts do not overlap
  const boxes = await page.locator("section.panel").evaluateAll((els) => els.map((e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, w: r.width, h: r.height, t: e.querySelector("h3, .panel-title")?.textContent ?? "" }; }));
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      assert.ok(!(a.x + 1 < b.x + b.w && b.x + 1 < a.x + a.w && a.y + 1 < b.y + b.h && b.y + 1 < a.y + a.h), `panels "${a.t}" and "${b.t}" overlap`);
    }
  await page.screenshot({ path: join(ARTIFACTS, "host-overview-all.png"), fullPage: true });
  assert.deepEqual(jsErrors(page), []);
  await context.close();
});
