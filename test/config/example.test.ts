import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig, schema } from "../../src/config/index.js";
import { PROJECT_ROOT } from "../../src/lib/package-info.js";
import { exampleSections, exampleIniText } from "../../scripts/config-example-text.js";

const file = join(PROJECT_ROOT, "config.example.ini");
const text = readFileSync(file, "utf8");

test("config.example.ini parses cleanly as a config file", () => {
  const c = loadConfig({ configPath: file, env: {} });
  assert.equal(c.meta.file, file);
});

test("config.example.ini documents every option of the schema with its default", () => {
  const sections = [...Object.entries(schema), ...exampleSections().map((s) => [s.name, s.spec] as const)];
  const missing: string[] = [];
  for (const [section, spec] of sections) {
    const start = text.indexOf(`\n[${section}]\n`);
    if (start < 0) {
      missing.push(`[${section}]`);
      continue;
    }
    const next = text.indexOf("\n[", start + 2);
    const body = text.slice(start, next < 0 ? undefined : next);
    for (const [key, option] of Object.entries(spec)) {
      const line = new RegExp(`^;?${key} = ${option.default.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m");
      if (!line.test(body)) missing.push(`[${section}] ${key} = ${option.default}`);
    }
  }
  assert.deepEqual(missing, [], "run `npm run gen:config` to regenerate");
});

test("config.example.ini is exactly what the generator writes (npm run gen:config)", () => {
  assert.equal(text, exampleIniText());
});
