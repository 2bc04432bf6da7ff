/** Shared parts of the VictoriaMetrics-backend tests: Loupes on a real VM, Graphite lines in, HTTP reads. */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.js";
import { BUILTIN_COLLECTORS } from "../../src/collectors/index.js";
import { createLogger } from "../../src/lib/logger.js";
import { startLoupe, type Running } from "../../src/main.js";
import { tempDir } from "../helpers/tmp.js";

export interface TestLoupe {
  readonly loupe: Running;
  readonly url: string;
  readonly graphitePort: number;
  readonly dir: string;
  readonly logs: string[];
}

/** Every built-in collector off (a Loupe that only receives). */
export const NO_COLLECTORS = BUILTIN_COLLECTORS.flatMap((d) => [`[collector.${d.name}]`, "enabled = false"]);

/** `[store] backend = victoriametrics` keys pointing at `vmUrl`. */
export function vmStoreSection(vmUrl: string, extra: readonly string[] = []): string[] {
  return ["[store]", "backend = victoriametrics", `write_url = ${vmUrl}/api/v1/write`, `read_url = ${vmUrl}`, "batch_max_wait = 100ms", "retry_min = 100ms", "retry_max = 1s", "timeout = 5s", ...extra];
}

/** Starts a Loupe on loopback (http and graphite TCP on free ports) with the given extra config lines. */
export async function startTestLoupe(lines: readonly string[], dir = tempDir("loupe-vmb-")): Promise<TestLoupe> {
  const text = ["[server]", "http_addr = 127.0.0.1", "http_port = 0", "[paths]", `data = ${join(dir, "data")}`, "[ingest.graphite]", "tcp_addr = 127.0.0.1:0", "udp_addr =", ...lines].join("\n");
  const logs: string[] = [];
  const loupe = await startLoupe(loadConfig({ text, env: {} }), createLogger({ level: "info", sink: { write: (l) => void logs.push(l) } }));
  const m = /graphite tcp listening .*?port=(\d+)/.exec(logs.join(""));
  assert.ok(m, `graphite port in the log:\n${logs.join("")}`);
  return { loupe, url: `http://127.0.0.1:${loupe.httpPort}`, graphitePort: Number(m[1]), dir, logs };
}

/** Sends plaintext lines over one TCP connection and waits until it closed. */
export async function sendGraphite(port: number, lines: readonly string[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => s.end(`${lines.join("\n")}\n`));
    s.on("error", reject);
    s.on("close", () => resolve());
  });
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  const text = await res.text();
  assert.equal(res.status, 200, `${url}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

export interface RenderSeries {
  readonly target: string;
  readonly datapoints: Array<[number | null, number]>;
  readonly tags?: Record<string, string>;
}

export function renderUrl(base: string, targets: readonly string[], from: number, until: number, maxDataPoints?: number): string {
  const p = new URLSearchParams({ from: String(from), until: String(until), format: "json" });
  for (const t of targets) p.append("target", t);
  if (maxDataPoints !== undefined) p.set("maxDataPoints", String(maxDataPoints));
  return `${base}/render?${p}`;
}

/** Asserts two /render answers equal: same series, timestamps, and values within a relative 1e-9. */
export function assertSameRender(a: readonly RenderSeries[], b: readonly RenderSeries[], what: string): number {
  assert.deepEqual(
    b.map((s) => s.target),
    a.map((s) => s.target),
    `${what}: same series`,
  );
  let values = 0;
  a.forEach((sa, i) => {
    const sb = b[i]!;
    assert.deepEqual(
      sb.datapoints.map((d) => d[1]),
      sa.datapoints.map((d) => d[1]),
      `${what} ${sa.target}: same timestamps`,
    );
    sa.datapoints.forEach(([va, t], j) => {
      const vb = sb.datapoints[j]![0];
      if (va === null || vb === null) assert.equal(vb, va, `${what} ${sa.target} at ${t}: local ${va}, vm ${vb}`);
      else {
        values++;
        assert.ok(Math.abs(va - vb) <= 1e-9 * Math.max(1, Math.abs(va)), `${what} ${sa.target} at ${t}: local ${va}, vm ${vb}`);
      }
    });
  });
  return values;
}

/** Points VictoriaMetrics exports for a selector. */
export async function vmPoints(vmUrl: string, selector: string): Promise<number> {
  const res = await fetch(`${vmUrl}/api/v1/export?${new URLSearchParams({ "match[]": selector })}`);
  const text = await res.text();
  assert.equal(res.status, 200, text);
  let n = 0;
  for (const line of text.split("\n")) if (line !== "") n += (JSON.parse(line) as { timestamps: number[] }).timestamps.length;
  return n;
}

/**
 * Runs `body` with `defer(fn)`: what it registers runs afterwards in reverse order (Loupe stopped
 * before the VictoriaMetrics it writes to, that before its temp dir goes), even when `body` fails.
 */
export async function withCleanup(body: (defer: (fn: () => Promise<unknown> | unknown) => void) => Promise<void>): Promise<void> {
  const stack: Array<() => Promise<unknown> | unknown> = [];
  try {
    await body((fn) => void stack.push(fn));
  } finally {
    for (const fn of stack.reverse()) await Promise.resolve().then(fn).catch(() => undefined);
  }
}
