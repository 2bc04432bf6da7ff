// Regexes in collector options run on the linear-time engine: config validation refuses what it
// cannot take (naming the key and RE2), and a whitelist shaped like (a+)+$ cannot stall collection.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../../src/config/index.js";
import { builtinRegistry, Publisher, resolveCollectors } from "../../src/collectors/index.js";

test("a lookahead in metrics_whitelist is refused at load, naming the key and why", () => {
  const config = loadConfig({ text: "[collector.memory]\nmetrics_whitelist = Mem(?!Free)\n", textName: "t.ini", env: {} });
  assert.throws(
    () => resolveCollectors(config, builtinRegistry()),
    (err: Error) => /\[collector\.memory\] metrics_whitelist: invalid value "Mem\(\?!Free\)": expected a valid regular expression \(RE2 syntax: no backreferences or lookaround\)/.test(err.message),
  );
});

test("whitelist and blacklist keep Python re.match semantics (anchored at the start) in linear time", () => {
  const p = new Publisher({ base: "servers.h.memory", whitelist: "(a+)+$|Mem", blacklist: "MemF" });
  const t0 = performance.now();
  assert.equal(p.accepts(`${"a".repeat(5000)}!`), false);
  assert.ok(performance.now() - t0 < 1_000);
  assert.equal(p.accepts("MemTotal"), true);
  assert.equal(p.accepts("MemFree"), false);
  assert.equal(p.accepts("xMemTotal"), false, "anchored at the start");
  assert.equal(p.accepts("aaa"), true);
});
