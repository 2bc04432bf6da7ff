/** The start line names the URL Loupe really answers at (issue 19): the bound port, root_url only when set. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.js";
import { createLogger } from "../../src/lib/logger.js";
import { listeningUrl, startLoupe } from "../../src/main.js";
import { tempDir } from "../helpers/tmp.js";

test("listeningUrl: wildcards read as localhost, IPv6 in brackets", () => {
  const cases: Array<[string, number, string]> = [
    ["127.0.0.1", 3000, "http://127.0.0.1:3000/"],
    ["0.0.0.0", 8080, "http://localhost:8080/"],
    ["::", 8080, "http://localhost:8080/"],
    ["::1", 41234, "http://[::1]:41234/"],
  ];
  for (const [addr, port, want] of cases) assert.equal(listeningUrl(addr, port), want, addr);
});

async function startLine(extra: string): Promise<{ line: string; port: number }> {
  const dir = tempDir("loupe-listen-");
  const text = ["[server]", "http_addr = 127.0.0.1", "http_port = 0", extra, "[paths]", `data = ${join(dir, "data")}`, "[ingest.graphite]", "tcp_addr =", "udp_addr =", "[alerting]", "enabled = false"].join("\n");
  const logs: string[] = [];
  const loupe = await startLoupe(loadConfig({ text, env: {} }), createLogger({ level: "info", sink: { write: (l) => void logs.push(l) } }));
  try {
    return { line: logs.find((l) => l.includes("http listening")) ?? "", port: loupe.httpPort };
  } finally {
    await loupe.stop();
  }
}

test("http_port = 0: the start line prints the real port, and no root_url when it was not set", { timeout: 60_000 }, async () => {
  const { line, port } = await startLine("");
  assert.notEqual(port, 3000);
  assert.match(line, new RegExp(`url=http://127\\.0\\.0\\.1:${port}/`));
  assert.doesNotMatch(line, /localhost:3000/);
  assert.doesNotMatch(line, /root_url=/);
});

test("an explicit root_url is printed next to the real URL", { timeout: 60_000 }, async () => {
  const { line, port } = await startLine("root_url = https://loupe.example.org/");
  assert.match(line, new RegExp(`url=http://127\\.0\\.0\\.1:${port}/`));
  assert.match(line, /root_url=https:\/\/loupe\.example\.org\//);
});
