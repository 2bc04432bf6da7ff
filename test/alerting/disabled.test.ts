/**
 * With `[alerting] enabled = false` the top bar still links /alerts: the page says alerting is off and how to
 * turn it on (it was a 404), while the alerting API is not served.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.js";
import { silentLogger } from "../../src/lib/logger.js";
import { startLoupe } from "../../src/main.js";
import { tempDir } from "../helpers/tmp.js";

test("alerting off: /alerts explains how to turn it on; the alerting API is not served", async () => {
  const dir = tempDir("loupe-alert-off-");
  const text = ["[server]\nhttp_addr = 127.0.0.1\nhttp_port = 0", `[paths]\ndata = ${dir}\nplugins = ${join(dir, "plugins")}`, "[ingest.graphite]\ntcp_addr =\nudp_addr =", "[alerting]\nenabled = false"].join("\n");
  const loupe = await startLoupe(loadConfig({ text, env: {} }), silentLogger);
  try {
    const page = await fetch(`http://127.0.0.1:${loupe.httpPort}/alerts`);
    assert.equal(page.status, 200);
    const body = await page.text();
    assert.match(body, /Alerting is off/);
    assert.match(body, /\[alerting\] enabled = true/);
    assert.match(body, /href="\/alerts"/, "the top bar still links the page");
    const api = await fetch(`http://127.0.0.1:${loupe.httpPort}/api/alerts`);
    assert.equal(api.status, 404);
  } finally {
    await loupe.stop();
  }
});
