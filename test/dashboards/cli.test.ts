import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../../src/cli.js";
import { PROJECT_ROOT } from "../../src/lib/package-info.js";
import { tempDir } from "../helpers/tmp.js";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

test("loupe dashboard import (Grafana JSON), list, export, overwrite", async () => {
  const dir = tempDir("loupe-dash-cli-");
  const cfg = join(dir, "loupe.ini");
  writeFileSync(cfg, `[paths]\ndata = ${join(dir, "data")}\n`);
  const grafana = join(PROJECT_ROOT, "test", "fixtures", "grafana", "mixed-datasources.json");

  const imp = capture();
  assert.equal(await runCli(["dashboard", "import", grafana, "--config", cfg], imp.io), 0, imp.err.join("\n"));
  assert.match(imp.out.join("\n"), /imported grafana dashboard "Web frontends \(mixed\)" as web-frontends-mixed \(version 1\)/);
  assert.ok(imp.err.some((l) => /^skipped Heat: panel type "heatmap"/.test(l)));

  const list = capture();
  assert.equal(await runCli(["dashboard", "list", "--config", cfg], list.io), 0);
  assert.match(list.out.join("\n"), /web-frontends-mixed\s+1\s+Web frontends \(mixed\)\s+\[web\]/);

  const file = join(dir, "export.json");
  const exp = capture();
  assert.equal(await runCli(["dashboard", "export", "web-frontends-mixed", "--out", file, "--config", cfg], exp.io), 0);
  const exported = JSON.parse(readFileSync(file, "utf8")) as { __loupe: { format: number }; uid: string; panels: unknown[] };
  assert.equal(exported.__loupe.format, 1);
  assert.equal(exported.panels.length, 2);

  const again = capture();
  assert.equal(await runCli(["dashboard", "import", file, "--config", cfg], again.io), 1);
  assert.match(again.err.join("\n"), /exists; import with overwrite/);
  const over = capture();
  assert.equal(await runCli(["dashboard", "import", file, "--overwrite", "--config", cfg], over.io), 0);
  assert.match(over.out.join("\n"), /imported loupe dashboard .* \(version 2\)/);

  const missing = capture();
  assert.equal(await runCli(["dashboard", "export", "nope", "--config", cfg], missing.io), 1);
  const usage = capture();
  assert.equal(await runCli(["dashboard", "frobnicate", "--config", cfg], usage.io), 1);
  assert.match(usage.err.join("\n"), /usage: loupe dashboard list/);
});
