// Loupe's own loupe.* series: written only when some collector runs ([collectors] self_series =
// auto), or always/never by the explicit option.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../src/config/index.js";
import { selfSeriesOn } from "../src/main.js";

const cases: Array<[mode: "auto" | "on" | "off", running: number, want: boolean]> = [
  ["auto", 0, false],
  ["auto", 3, true],
  ["on", 0, true],
  ["off", 3, false],
];
for (const [mode, running, want] of cases) {
  test(`self_series = ${mode} with ${running} collector(s) running: ${want ? "written" : "not written"}`, () => {
    assert.equal(selfSeriesOn(mode, running), want);
  });
}

test("[collectors] self_series defaults to auto and refuses other words", () => {
  assert.equal(loadConfig({ text: "", env: {} }).collectors.self_series, "auto");
  assert.equal(loadConfig({ text: "[collectors]\nself_series = on\n", env: {} }).collectors.self_series, "on");
  assert.throws(() => loadConfig({ text: "[collectors]\nself_series = sometimes\n", env: {} }), /self_series/);
});
