/**
 * Axis tick labels as chromium draws them: every fillText on a panel's canvas is recorded with its
 * measured box, so the test reads the labels that were really rendered. For bytes, bits/s, percent
 * and seconds over 5 m, 1 h, 2 d and 30 d, in narrow and wide panels: value labels are round steps
 * of one displayed unit, time labels are round clock steps in the locale's 12/24-hour form, and no
 * two labels overlap or stick out of the canvas.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { needs } from "../helpers/system.js";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ARTIFACTS, CHROMIUM, launchBrowser, series, startUiServer, waitLoads, type UiServer } from "./harness.js";

type Panel = { id: number; type: "timeseries"; title: string; gridPos: { x: number; y: number; w: number; h: number }; targets: Array<{ refId: string; target: string }>; options: { unit: "bytes" | "bps" | "percent" | "s" } };

const skip = needs(CHROMIUM);
const CPU_STATES = ["user", "system", "nice", "iowait", "irq", "softirq", "steal"];
const MIN = 60e3;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const GiB = 2 ** 30;
let srv: UiServer;
let browser: Browser;

const METRICS: ReadonlyArray<["bytes" | "bps" | "percent" | "s", string, (t: number, i: number) => number]> = [
  ["bytes", "test.mem.used", (_t, i) => 12.4 * GiB + 6.2 * GiB * Math.sin(i / 17)],
  ["bps", "test.net.rx", (_t, i) => 4.77e7 + 4.77e7 * Math.sin(i / 13)],
  ["percent", "test.cpu.busy", (_t, i) => 50 + 45 * Math.sin(i / 11)],
  ["s", "test.job.duration", (_t, i) => 190 + 180 * Math.sin(i / 7)],
];

before(async () => {
  if (skip) return;
  srv = await startUiServer();
  const now = Date.now();
  for (const [, name, f] of METRICS) {
    await srv.write(series(name, now - 31 * DAY, now - 2 * DAY, HOUR, f));
    await srv.write(series(name, now - 2 * DAY, now - 10 * MIN, MIN, f));
    await srv.write(series(name, now - 10 * MIN, now, 10e3, f));
  }
  const panels = METRICS.flatMap(([unit, name], i): Panel[] => [
    { id: i + 1, type: "timeseries" as const, title: `${unit} narrow`, gridPos: { x: i * 6, y: 0, w: 6, h: 7 }, targets: [{ refId: "A", target: name }], options: { unit } },
    { id: i + 11, type: "timeseries" as const, title: `${unit} wide`, gridPos: { x: (i % 2) * 12, y: 7 + Math.floor(i / 2) * 8, w: 12, h: 8 }, targets: [{ refId: "A", target: name }], options: { unit } },
  ]);
  srv.dashboards.save({ uid: "axes", title: "Axes", panels }, "test");
  for (const state of CPU_STATES) await srv.write(series(`test.cpustate.${state}`, now - 2 * HOUR, now, MIN, (_t, i) => 5 + (i % 7)));
  for (let k = 0; k < 40; k++) await srv.write(series(`test.many.s${k}`, now - HOUR, now, MIN, () => k));
  srv.dashboards.save(
    {
      uid: "legends",
      title: "Legends",
      panels: [
        { id: 1, type: "timeseries", title: "CPU", gridPos: { x: 0, y: 0, w: 12, h: 8 }, targets: [{ refId: "A", target: "aliasByNode(test.cpustate.*, 2)" }], options: { draw: "stacked", unit: "percent", min: 0, legend: ["avg", "max", "last"] } },
        { id: 2, type: "timeseries", title: "Many", gridPos: { x: 12, y: 0, w: 12, h: 8 }, targets: [{ refId: "A", target: "test.many.*" }], options: { legend: ["last"] } },
        { id: 3, type: "timeseries", title: "Broken", gridPos: { x: 0, y: 8, w: 12, h: 6 }, targets: [{ refId: "A", target: "nosuchFunction(test.cpustate.user)" }], options: {} },
        { id: 4, type: "stat", title: "Broken stat", gridPos: { x: 12, y: 8, w: 6, h: 6 }, targets: [{ refId: "A", target: "nosuchFunction(test.cpustate.user)" }], options: {} },
      ],
    },
    "test",
  );
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

interface Label {
  text: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
  align: string;
}
interface PanelLabels {
  title: string;
  width: number;
  height: number;
  labels: Label[];
}

/** Records what each canvas last drew as text with its box in CSS px (a full clearRect starts a new frame). */
const RECORD_CANVAS_TEXT = `(() => {
  const texts = new WeakMap();
  globalThis.__canvasTexts = texts;
  const proto = CanvasRenderingContext2D.prototype;
  const fill = proto.fillText;
  const clearRect = proto.clearRect;
  proto.clearRect = function (x, y, w, h) {
    if (x <= 0 && y <= 0 && w >= this.canvas.width && h >= this.canvas.height) texts.set(this.canvas, []);
    return clearRect.call(this, x, y, w, h);
  };
  proto.fillText = function (text, x, y, maxWidth) {
    const m = this.measureText(text);
    const t = this.getTransform();
    const list = texts.get(this.canvas) ?? [];
    texts.set(this.canvas, list);
    const r = devicePixelRatio;
    list.push({
      text, align: this.textAlign,
      left: (t.a * (x - m.actualBoundingBoxLeft) + t.e) / r,
      right: (t.a * (x + m.actualBoundingBoxRight) + t.e) / r,
      top: (t.d * (y - m.actualBoundingBoxAscent) + t.f) / r,
      bottom: (t.d * (y + m.actualBoundingBoxDescent) + t.f) / r,
    });
    return maxWidth === undefined ? fill.call(this, text, x, y) : fill.call(this, text, x, y, maxWidth);
  };
})();`;

const READ_LABELS = `Array.from(document.querySelectorAll("section.panel")).filter((p) => p.querySelector("canvas")).map((p) => {
  const c = p.querySelector("canvas");
  return { title: p.querySelector(".panel-title")?.textContent ?? "", width: c.clientWidth, height: c.clientHeight, labels: globalThis.__canvasTexts.get(c) ?? [] };
})`;

async function openAxes(locale: string, from: string): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, deviceScaleFactor: 1, locale });
  await context.addInitScript({ content: RECORD_CANVAS_TEXT });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${srv.base}/d/axes?from=${from}&to=now`);
  await waitLoads(page, 1);
  await page.waitForTimeout(150);
  return { page, close: () => context.close() };
}

async function readLabels(page: Page): Promise<PanelLabels[]> {
  return (await page.evaluate(READ_LABELS)) as PanelLabels[];
}

const CLOCK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200];

/** 1/2/5 × 10ⁿ, or a power of two (binary units). */
function isRound(step: number): boolean {
  const mant = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
  if ([1, 2, 5].some((m) => Math.abs(mant - m) < 1e-6)) return true;
  return Number.isInteger(step) && (step & (step - 1)) === 0;
}

const DURATION_UNIT: Record<string, number> = { ms: 0.001, s: 1, min: 60, h: 3600, d: 86400 };

/** Value labels of one axis: one unit, equal steps, each step round in that unit. */
function checkValueAxis(unit: string, texts: string[], where: string): void {
  if (process.env["AXES_SHOW"]) process.stderr.write(`${where}: ${texts.join(" | ")}\n`);
  assert.ok(texts.length >= 2, `${where}: at least two value ticks, got ${JSON.stringify(texts)}`);
  const parsed = texts.map((t) => {
    const m = /^(-?\d+(?:\.\d+)?)\s?(.*)$/.exec(t);
    assert.ok(m, `${where}: label ${JSON.stringify(t)} is a number with a unit`);
    return { n: Number(m[1]), suffix: m[2]!, decimals: (m[1]!.split(".")[1] ?? "").length };
  });
  const nonZero = parsed.filter((p) => p.n !== 0);
  const suffixes = new Set(nonZero.map((p) => p.suffix));
  assert.equal(suffixes.size, 1, `${where}: one unit on the axis: ${JSON.stringify(texts)}`);
  assert.equal(new Set(nonZero.map((p) => p.decimals)).size, 1, `${where}: one number of decimals: ${JSON.stringify(texts)}`);
  const suffix = [...suffixes][0]!;
  const ns = parsed.map((p) => p.n).sort((a, b) => a - b);
  const step = ns[1]! - ns[0]!;
  for (let i = 1; i < ns.length; i++) assert.ok(Math.abs(ns[i]! - ns[i - 1]! - step) < 1e-6 * Math.max(1, step), `${where}: equal steps ${JSON.stringify(texts)}`);
  if (unit === "s") {
    const secs = step * DURATION_UNIT[suffix]!;
    assert.ok(secs < 1 ? isRound(secs * 1000) : CLOCK_STEPS.includes(secs) || (secs % 86400 === 0 && (isRound(secs / 86400) || secs / 86400 === 7)), `${where}: ${step} ${suffix} is a clock-like step: ${JSON.stringify(texts)}`);
  } else {
    assert.ok(isRound(step), `${where}: step ${step} ${suffix} is round: ${JSON.stringify(texts)}`);
    const want = { bytes: /^(B|KiB|MiB|GiB|TiB)$/, bps: /^(b|kb|Mb|Gb)\/s$/, percent: /^%$/, none: /^$/ }[unit as "bytes"];
    assert.match(suffix, want, `${where}: unit`);
  }
  for (const n of ns) assert.ok(Math.abs(n / step - Math.round(n / step)) < 1e-6, `${where}: ${n} is a multiple of ${step}`);
}

/** Seconds of the day from a clock label, or null for a date label. */
function clockSeconds(label: string, hour12: boolean): number | null {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s?([AP]M))?$/.exec(label.replace(/\u202f/g, " "));
  if (!m) return null;
  assert.equal(m[4] !== undefined, hour12, `clock label ${label} is ${hour12 ? "12" : "24"}-hour`);
  let h = Number(m[1]) % (hour12 ? 12 : 24);
  if (m[4] === "PM") h += 12;
  return h * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0);
}

function checkTimeAxis(texts: string[], range: number, hour12: boolean, where: string): void {
  assert.ok(texts.length >= 2, `${where}: at least two time ticks, got ${JSON.stringify(texts)}`);
  const secs = texts.map((t) => clockSeconds(t, hour12));
  const dates = secs.every((s) => s === null);
  if (process.env["AXES_SHOW"]) process.stderr.write(`${where}: ${texts.join(" | ")}\n`);
  if (range <= 2 * DAY && !(range >= DAY && dates)) {
    const clocks = secs.filter((s): s is number => s !== null);
    assert.ok(clocks.length >= 2, `${where}: clock labels ${JSON.stringify(texts)}`);
    const withSeconds = texts.filter((t) => /:\d{2}:\d{2}/.test(t));
    if (withSeconds.length > 0) assert.equal(withSeconds.length, clocks.length, `${where}: all or no clock labels show seconds`);
    const steps = new Set<number>();
    for (let i = 1; i < secs.length; i++) if (secs[i] !== null && secs[i - 1] !== null) steps.add((secs[i]! - secs[i - 1]! + 86400) % 86400);
    for (const s of steps) assert.ok(CLOCK_STEPS.includes(s), `${where}: ${s} s is a round clock step: ${JSON.stringify(texts)}`);
    for (const s of clocks) assert.equal(s % (steps.size > 0 ? Math.min(...steps) : 60), 0, `${where}: ${JSON.stringify(texts)} on multiples of the step`);
  } else {
    assert.ok(dates, `${where}: dates, not clocks, over ${range / DAY} days: ${JSON.stringify(texts)}`);
    for (const t of texts) assert.match(t, /^(\d{1,2} [A-Z][a-z]{2}|[A-Z][a-z]{2} \d{1,2})$/, `${where}: ${t} is a date`);
  }
}

function checkNoOverlap(p: PanelLabels, where: string): void {
  for (const l of p.labels) {
    assert.ok(l.left >= -0.5 && l.right <= p.width + 0.5, `${where}: ${JSON.stringify(l.text)} [${l.left.toFixed(1)}, ${l.right.toFixed(1)}] clipped by the canvas 0..${p.width}`);
    assert.ok(l.top >= -0.5 && l.bottom <= p.height + 0.5, `${where}: ${JSON.stringify(l.text)} clipped vertically`);
  }
  for (let i = 0; i < p.labels.length; i++)
    for (let j = i + 1; j < p.labels.length; j++) {
      const a = p.labels[i]!;
      const b = p.labels[j]!;
      const overlap = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      assert.ok(!overlap, `${where}: ${JSON.stringify(a.text)} overlaps ${JSON.stringify(b.text)}`);
    }
}

const RANGES: ReadonlyArray<[string, number]> = [
  ["now-5m", 5 * MIN],
  ["now-1h", HOUR],
  ["now-2d", 2 * DAY],
  ["now-30d", 30 * DAY],
];

for (const [locale, hour12] of [
  ["en-US", true],
  ["en-GB", false],
] as const) {
  test(`tick labels are round, fit and use the ${hour12 ? "12" : "24"}-hour clock (${locale})`, { skip, timeout: 120_000 }, async () => {
    for (const [from, range] of RANGES) {
      const { page, close } = await openAxes(locale, from);
      try {
        const panels = await readLabels(page);
        if (from === "now-2d" || from === "now-5m") {
          mkdirSync(ARTIFACTS, { recursive: true });
          await page.screenshot({ path: join(ARTIFACTS, `test-axes-${locale}-${from}.png`) });
        }
        assert.equal(panels.length, 8);
        if (from === "now-1h") {
          // the tooltip's time uses the same clock as the axis
          const box = (await page.locator("section.panel canvas").first().boundingBox())!;
          await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
          const tip = (await page.locator("section.panel .tooltip .tip-time").first().textContent()) ?? "";
          assert.equal(/\b[AP]M\b/.test(tip), hour12, `tooltip time ${JSON.stringify(tip)}`);
          assert.match(tip, /\d{1,2}:\d{2}:\d{2}/);
        }
        for (const p of panels) {
          const where = `${locale} ${from} ${p.title}`;
          const unit = p.title.split(" ")[0]!;
          checkValueAxis(unit, p.labels.filter((l) => l.align === "right").map((l) => l.text), where);
          checkTimeAxis(p.labels.filter((l) => l.align === "center").map((l) => l.text), range, hour12, where);
          checkNoOverlap(p, where);
        }
      } finally {
        await close();
      }
    }
  });
}

test("legends size to their series: all 7 CPU rows visible, a 40-series table scrolls; a query error stays on the panel", { skip, timeout: 60_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, deviceScaleFactor: 1 });
  await context.addInitScript({ content: RECORD_CANVAS_TEXT });
  const page = await context.newPage();
  try {
    await page.goto(`${srv.base}/d/legends?from=now-1h&to=now`);
    await waitLoads(page, 1);
    const measure = (title: string) =>
      page.evaluate(`(() => {
        const p = Array.from(document.querySelectorAll("section.panel")).find((x) => x.querySelector(".panel-title")?.textContent === ${JSON.stringify(title)});
        const l = p.querySelector(".legend");
        const lr = l.getBoundingClientRect();
        const rows = Array.from(l.querySelectorAll("tbody tr")).map((r) => r.getBoundingClientRect());
        return { rows: rows.length, visible: rows.filter((r) => r.top >= lr.top - 0.5 && r.bottom <= lr.bottom + 0.5).length, scrolls: l.scrollHeight > l.clientHeight + 1, legend: l.clientHeight, chart: p.querySelector("canvas").clientHeight };
      })()`) as Promise<{ rows: number; visible: number; scrolls: boolean; legend: number; chart: number }>;
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "test-axes-legends.png") });
    const cpu = await measure("CPU");
    assert.equal(cpu.rows, 7);
    assert.equal(cpu.visible, 7, `all CPU series visible without scrolling: ${JSON.stringify(cpu)}`);
    assert.equal(cpu.scrolls, false);
    assert.ok(cpu.chart >= 80, `the chart keeps its height: ${JSON.stringify(cpu)}`);
    await page.waitForTimeout(100);
    for (const p of (await readLabels(page)).filter((x) => x.title === "CPU" || x.title === "Many")) {
      checkValueAxis(p.title === "CPU" ? "percent" : "none", p.labels.filter((l) => l.align === "right").map((l) => l.text), `short chart ${p.title}`);
      checkNoOverlap(p, `short chart ${p.title}`);
    }
    const many = await measure("Many");
    assert.equal(many.rows, 40);
    assert.equal(many.scrolls, true, `40 series scroll: ${JSON.stringify(many)}`);
    assert.ok(many.legend <= 261 && many.chart >= 80, `a long legend stops at a sensible height: ${JSON.stringify(many)}`);
    const broken = page.locator("section.panel:has(.panel-title:text-is('Broken')) .nodata");
    assert.equal(await broken.isVisible(), true);
    assert.match((await broken.textContent()) ?? "", /nosuchFunction/i);
    const brokenStat = page.locator("section.panel:has(.panel-title:text-is('Broken stat')) .stat-empty.query-error");
    assert.match((await brokenStat.textContent()) ?? "", /nosuchFunction/i);
  } finally {
    await context.close();
  }
});

test("Explore has a unit picker; a query error stays on the chart until the next successful query", { skip, timeout: 60_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, deviceScaleFactor: 1, locale: "en-GB" });
  await context.addInitScript({ content: RECORD_CANVAS_TEXT });
  const page = await context.newPage();
  const yLabels = async (): Promise<string[]> => {
    await page.waitForTimeout(100);
    return (await readLabels(page))[0]!.labels.filter((l) => l.align === "right").map((l) => l.text);
  };
  try {
    await page.goto(`${srv.base}/explore?target=test.mem.used&from=now-1h&to=now&unit=bytes`);
    await page.locator("#explore-panel[data-points]:not([data-points='0'])").waitFor();
    assert.equal(await page.inputValue("#explore-unit"), "bytes");
    checkValueAxis("bytes", await yLabels(), "explore bytes");
    assert.ok((await yLabels()).some((l) => l.endsWith("GiB")));
    await page.selectOption("#explore-unit", "percent");
    await page.waitForURL(/unit=percent/);
    assert.ok((await yLabels()).every((l) => l.endsWith("%")), JSON.stringify(await yLabels()));

    await page.fill("#explore-target", "nosuchFunction(test.mem.used)");
    await page.press("#explore-target", "Enter");
    const err = page.locator("#explore-panel .nodata.query-error");
    await err.waitFor({ state: "visible" });
    assert.match((await err.textContent()) ?? "", /nosuchFunction/i);
    await page.waitForTimeout(6500); // the old toast was gone after 6 s
    assert.equal(await err.isVisible(), true, "the error is still on the chart");
    await page.fill("#explore-target", "test.mem.used");
    await page.press("#explore-target", "Enter");
    await page.locator("#explore-panel[data-points]:not([data-points='0'])").waitFor();
    assert.equal(await page.locator("#explore-panel .nodata").isVisible(), false, "a successful query clears the error");
  } finally {
    await context.close();
  }
});
