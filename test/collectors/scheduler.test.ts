// The scheduler with a failing, a slow and a good collector: errors and timeouts counted and logged
// once per state change, overlapping runs skipped and counted, self-metrics in the sink and on
// /metrics, the others unaffected; the node-cron tick fires staggered; stop() waits for runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../src/lib/clock.js";
import { createLogger } from "../../src/lib/logger.js";
import { MetricsRegistry } from "../../src/lib/metrics.js";
import { Publisher, Scheduler, nextSlot, type Job, type CollectFn } from "../../src/collectors/index.js";
import { RecordingSink } from "./helpers.js";

function job(name: string, collect: CollectFn, timeoutMs = 1000, intervalMs = 10_000): Job {
  return { name, intervalMs, timeoutMs, collect, publisher: new Publisher({ base: `servers.h.${name}` }) };
}

function capturingLog(): { log: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger({ level: "info", format: "json", sink: { write: (l) => void lines.push(l) } }), lines };
}

const messages = (lines: string[], msg: string): number => lines.filter((l) => (JSON.parse(l) as { msg: string }).msg === msg).length;

test("a failing collector is counted and logged once per state change; the others still write", async () => {
  let fail = true;
  const { log, lines } = capturingLog();
  const sink = new RecordingSink();
  const metrics = new MetricsRegistry();
  const s = new Scheduler({
    jobs: [
      job("bad", () => {
        if (fail) throw new Error("boom");
      }),
      job("good", (ctx) => ctx.gauge("x", 1)),
    ],
    sink,
    log,
    metrics,
    clock: new FakeClock(1000),
  });
  for (let i = 0; i < 3; i++) {
    const out = await s.runAll();
    assert.equal(out.get("bad"), "error");
    assert.equal(out.get("good"), "ok");
  }
  assert.equal(s.stats("bad")!.errors, 3);
  assert.equal(s.stats("bad")!.lastError, "boom");
  assert.equal(messages(lines, "collector failing"), 1, "logged once, not every run");
  assert.equal(sink.samples.filter((x) => x.name === "servers.h.good.x").length, 3, "good collector wrote every time");
  assert.equal(sink.last().get("loupe.collector.bad.errors"), 3);
  assert.equal(sink.last().get("loupe.collector.good.errors"), 0);
  assert.ok(sink.last().has("loupe.collector.bad.duration_seconds"));
  assert.equal(sink.last().get("loupe.collector.bad.skipped"), 0);
  assert.match(metrics.expose(), /loupe_collector_errors_total\{collector="bad"\} 3/);
  assert.match(metrics.expose(), /loupe_collector_duration_seconds\{collector="good"\} /);

  fail = false;
  assert.equal(await s.run("bad"), "ok");
  assert.equal(await s.run("bad"), "ok");
  assert.equal(messages(lines, "collector recovered"), 1);
  fail = true;
  assert.equal(await s.run("bad"), "error");
  assert.equal(messages(lines, "collector failing"), 2, "a new failure after recovery is logged again");
  await s.stop();
});

test("a slow collector times out (counted), the next run while it still hangs is skipped (counted), then it recovers", async () => {
  let release: (() => void) | undefined;
  let slow = true;
  const sink = new RecordingSink();
  const metrics = new MetricsRegistry();
  const { log, lines } = capturingLog();
  const s = new Scheduler({
    jobs: [
      job(
        "slow",
        async (ctx) => {
          if (slow) await new Promise<void>((r) => (release = r));
          ctx.gauge("done", 1);
        },
        50,
      ),
      job("good", (ctx) => ctx.gauge("x", 1)),
    ],
    sink,
    log,
    metrics,
    clock: new FakeClock(1000),
  });
  const first = await s.runAll();
  assert.equal(first.get("slow"), "timeout");
  assert.equal(first.get("good"), "ok");
  assert.equal(sink.samples.some((x) => x.name === "servers.h.slow.done"), false, "a timed-out run publishes nothing");
  assert.equal(await s.run("slow"), "skipped", "the hung run is still going");
  assert.equal(s.stats("slow")!.skipped, 1);
  assert.equal(s.stats("slow")!.errors, 1);
  assert.equal(sink.last().get("loupe.collector.slow.skipped"), 1);
  assert.match(metrics.expose(), /loupe_collector_skipped_total\{collector="slow"\} 1/);
  assert.equal(messages(lines, "collector failing"), 1);
  slow = false;
  release!();
  await new Promise((r) => setImmediate(r));
  assert.equal(await s.run("slow"), "ok");
  assert.equal(sink.last().get("servers.h.slow.done"), 1);
  await s.stop();
});

test("overlapping runs: the second is skipped while the first is still within its timeout", async () => {
  let release: (() => void) | undefined;
  const sink = new RecordingSink();
  const s = new Scheduler({
    jobs: [job("busy", () => new Promise<void>((r) => (release = r)), 5000)],
    sink,
    log: capturingLog().log,
    clock: new FakeClock(0),
  });
  const a = s.run("busy");
  assert.equal(await s.run("busy"), "skipped");
  release!();
  assert.equal(await a, "ok");
  assert.deepEqual(s.stats("busy"), { offsetMs: 0, runs: 1, errors: 0, skipped: 1, lastDurationMs: s.stats("busy")!.lastDurationMs, lastError: undefined, failing: false });
  await s.stop();
});

test("the store refusing samples is logged once and does not make collectors fail", async () => {
  const sink = new RecordingSink();
  sink.fail = new Error("disk full");
  const { log, lines } = capturingLog();
  const s = new Scheduler({ jobs: [job("good", (ctx) => ctx.gauge("x", 1))], sink, log, clock: new FakeClock(0) });
  assert.equal(await s.run("good"), "ok");
  assert.equal(await s.run("good"), "ok");
  assert.equal(messages(lines, "store refused collector samples"), 1);
  sink.fail = undefined;
  assert.equal(await s.run("good"), "ok");
  assert.equal(sink.samples.filter((x) => x.name === "servers.h.good.x").length, 1);
  await s.stop();
});

test("slots: aligned to the interval, staggered by offset", () => {
  assert.equal(nextSlot(1_000_000, 10_000, 0), 1_000_000);
  assert.equal(nextSlot(1_000_001, 10_000, 0), 1_010_000);
  assert.equal(nextSlot(1_000_001, 10_000, 2_500), 1_002_500);
  assert.equal(nextSlot(1_002_500, 10_000, 2_500), 1_002_500);
});

test("tick with a clock that jumps: back an hour re-aligns at once, forward runs once (not once per missed slot)", async () => {
  let runs = 0;
  const clock = new FakeClock(1_000_000_000);
  const s = new Scheduler({ jobs: [job("j", () => void runs++, 1000, 10_000)], sink: new RecordingSink(), log: capturingLog().log, clock });
  const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));
  s.tick(clock.now());
  await settle();
  assert.equal(runs, 1, "slot at the current time");
  clock.advance(-3_600_000);
  s.tick(clock.now());
  await settle();
  assert.equal(runs, 2, "back an hour: runs at the re-aligned slot, not an hour later");
  clock.advance(5 * 3_600_000);
  s.tick(clock.now());
  await settle();
  s.tick(clock.now());
  await settle();
  assert.equal(runs, 3, "forward 5 hours: one run, no catch-up storm");
  await s.stop();
});

test("node-cron tick: every collector runs at its interval, at different milliseconds; stop() waits for a run in progress", async () => {
  const times = new Map<string, number[]>();
  const rec = (name: string): CollectFn => () => void (times.get(name) ?? times.set(name, []).get(name)!).push(Date.now());
  const sink = new RecordingSink();
  const s = new Scheduler({
    jobs: [job("a", rec("a"), 900, 1000), job("b", rec("b"), 900, 1000), job("c", rec("c"), 900, 1000)],
    sink,
    log: capturingLog().log,
  });
  s.start();
  await new Promise((r) => setTimeout(r, 2600));
  await s.stop();
  for (const n of ["a", "b", "c"]) assert.ok((times.get(n)?.length ?? 0) >= 1, `${n} ran`);
  assert.deepEqual(["a", "b", "c"].map((n) => s.stats(n)!.offsetMs), [0, 333, 666], "staggered across the interval");

  // stop() aborts and waits for a run in progress.
  let finished = false;
  const s2 = new Scheduler({
    jobs: [
      job(
        "long",
        (ctx) =>
          new Promise<void>((resolve) =>
            ctx.signal.addEventListener("abort", () => {
              finished = true;
              resolve();
            }),
          ),
        60_000,
      ),
    ],
    sink,
    log: capturingLog().log,
  });
  const running = s2.run("long");
  await s2.stop();
  assert.equal(finished, true);
  assert.equal(await running, "skipped");
});
