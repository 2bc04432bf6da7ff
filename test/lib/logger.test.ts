import { test } from "node:test";
import assert from "node:assert/strict";
import { createLogger } from "../../src/lib/logger.js";

function capture(format: "text" | "json", level: "info" | "debug" = "info") {
  const lines: string[] = [];
  const log = createLogger({ format, level, sink: { write: (l) => void lines.push(l) }, now: () => 0 });
  return { log, lines };
}

test("text lines carry level, message and fields; child loggers add theirs", () => {
  const { log, lines } = capture("text");
  log.child({ module: "collector", collector: "cpu" }).info("run failed", { ms: 3, err: "boom here" });
  assert.equal(lines[0], '1970-01-01T00:00:00.000Z INFO  run failed module=collector collector=cpu ms=3 err="boom here"\n');
});

test("json lines are one object each", () => {
  const { log, lines } = capture("json");
  log.warn("x", { n: 1 });
  assert.deepEqual(JSON.parse(lines[0]!), { time: "1970-01-01T00:00:00.000Z", level: "warn", msg: "x", n: 1 });
});

test("levels filter", () => {
  const { log, lines } = capture("text", "info");
  log.debug("hidden");
  assert.equal(lines.length, 0);
  assert.equal(log.isLevelEnabled("debug"), false);
});

test("secret-looking fields are masked in both formats", () => {
  for (const format of ["text", "json"] as const) {
    const { log, lines } = capture(format);
    log.info("login", { client_secret: "abc123", token: "t0k", password: "pw", Authorization: "Bearer x", user: "ann" });
    const out = lines.join("");
    for (const secret of ["abc123", "t0k", "pw", "Bearer x"]) assert.ok(!out.includes(secret), `${format} leaks ${secret}: ${out}`);
    assert.ok(out.includes("ann"));
  }
});
