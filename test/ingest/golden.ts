/** Golden-file helper for the ingest parser tests: compares JSON, UPDATE_GOLDEN=1 rewrites it. */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

export function assertGolden(path: string, actual: unknown): void {
  const text = `${JSON.stringify(actual, null, 2)}\n`;
  if (process.env["UPDATE_GOLDEN"] === "1" || !existsSync(path)) {
    if (process.env["UPDATE_GOLDEN"] !== "1") assert.fail(`golden file ${path} is missing: run with UPDATE_GOLDEN=1 and review it`);
    writeFileSync(path, text);
    return;
  }
  assert.deepEqual(JSON.parse(text), JSON.parse(readFileSync(path, "utf8")), `differs from ${path} (UPDATE_GOLDEN=1 regenerates)`);
}
