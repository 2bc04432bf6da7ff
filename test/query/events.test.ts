import assert from "node:assert/strict";
import { test } from "node:test";
import { evaluateTargets, type EventSource } from "../../src/query/index.js";
import { MemoryStore } from "./memory-store.js";

const S = 1000;
// events at 10 s (deploy, web1), 10 s (deploy), 20 s (other)
const EVENTS: Array<{ t: number; tags: string[] }> = [
  { t: 10 * S, tags: ["deploy", "web1"] },
  { t: 10 * S + 500, tags: ["deploy"] },
  { t: 20 * S, tags: ["other"] },
];
const source: EventSource = (from, until, tags) => EVENTS.filter((e) => e.t >= from && e.t < until && (tags === undefined || tags.every((t) => e.tags.includes(t)))).map((e) => e.t);

function run(target: string): { name: string; start: number; step: number; values: Array<number | null> } {
  const [r] = evaluateTargets(new MemoryStore(), [target], 0, 30 * S, undefined, { events: source });
  assert.equal(r!.error, undefined);
  const s = r!.series[0]!;
  return { name: s.name, start: s.start, step: s.step, values: s.values };
}

test("events(): counts per second over [from, until), named with its tags in double quotes", () => {
  const d = run("events('deploy')");
  assert.equal(d.name, 'events("deploy")');
  assert.equal(d.start, 0);
  assert.equal(d.step, S);
  assert.equal(d.values.length, 30);
  assert.equal(d.values[10], 2);
  assert.equal(d.values.filter((v) => v !== null).length, 1);
});

test("events(): several tags need all of them, '*' takes every event, no tag none", () => {
  assert.equal(run("events('deploy', 'web1')").values[10], 1);
  assert.equal(run("events('deploy', 'web1')").name, 'events("deploy", "web1")');
  const all = run("events('*')");
  assert.deepEqual([all.values[10], all.values[20]], [2, 1]);
  assert.ok(run("events()").values.every((v) => v === null));
});
