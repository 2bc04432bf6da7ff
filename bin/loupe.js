#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build`, which `npm ci` runs through "prepare").
import { existsSync } from "node:fs";

const entry = new URL("../dist/entry.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("loupe: dist/ is missing; build it first with: npm run build\n");
  process.exit(1);
}
await import(entry.href);
