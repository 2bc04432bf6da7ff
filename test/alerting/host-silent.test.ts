/**
 * The built-in HostSilent rule in real time: a Graphite sender (TCP plaintext, as Diamond's
 * GraphiteHandler) sends a host's metric, then stops; the rule fires for that host and the
 * webhook receives it. Only HostSilent is on, evaluated every second.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.js";
import { silentLogger } from "../../src/lib/logger.js";
import { startLoupe } from "../../src/main.js";
import { tempDir } from "../helpers/tmp.js";
import { startReceiver } from "./receiver.js";
import { freePort } from "../helpers/system.js";

test("HostSilent fires when a Graphite sender stops, and resolves when it sends again", { timeout: 60_000 }, async () => {
  const dir = tempDir("loupe-silent-");
  const port = await freePort();
  const rx = await startReceiver();
  const text = [
    "[server]\nhttp_addr = 127.0.0.1\nhttp_port = 0",
    `[paths]\ndata = ${dir}\nplugins = ${join(dir, "plugins")}`,
    `[ingest.graphite]\ntcp_addr = 127.0.0.1:${port}\nudp_addr =`,
    "[alerting]\nbuiltin_interval = 1s\nbuiltin_disk_fill = false\nbuiltin_fs_full = false\nbuiltin_memory_low = false\nbuiltin_load_high = false\nbuiltin_collector_failing = false",
    `[notifier.hook]\nurl = ${rx.url}\ngroup_wait = 0s\ngroup_interval = 1s\nmatch = host=remote1`,
  ].join("\n");
  const loupe = await startLoupe(loadConfig({ text, env: {} }), silentLogger);
  const sock = connect(port, "127.0.0.1");
  await new Promise<void>((r) => sock.once("connect", () => r()));
  try {
    // one point every 500 ms for 5 s, then silence
    for (let i = 0; i < 10; i++) {
      sock.write(`servers.remote1.cpu.total.user ${10 + i} ${Date.now()}\n`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const api = async () => (await (await fetch(`http://127.0.0.1:${loupe.httpPort}/api/alerts`)).json()) as Array<{ alertname: string; state: string; labels: Record<string, string> }>;
    assert.deepEqual((await api()).filter((a) => a.labels["host"] === "remote1"), [], "quiet while the host sends");
    sock.end();
    await rx.waitFor(() => rx.posts.length >= 1, 30_000);
    const body = rx.posts[0]!.body as { status: string; alerts: Array<{ labels: Record<string, string>; annotations: Record<string, string> }> };
    assert.equal(body.status, "firing");
    assert.equal(body.alerts[0]!.labels["alertname"], "HostSilent");
    assert.equal(body.alerts[0]!.labels["host"], "remote1");
    assert.match(body.alerts[0]!.annotations["summary"]!, /^remote1 has sent nothing for \d+(\.\d+)? of its intervals$/);
    const firing = (await api()).filter((a) => a.labels["host"] === "remote1");
    assert.deepEqual(firing.map((a) => [a.alertname, a.state]), [["HostSilent", "firing"]]);

    const again = connect(port, "127.0.0.1");
    await new Promise<void>((r) => again.once("connect", () => r()));
    for (let i = 0; i < 4; i++) {
      again.write(`servers.remote1.cpu.total.user 5 ${Date.now()}\n`);
      await new Promise((r) => setTimeout(r, 500));
    }
    again.end();
    await rx.waitFor(() => rx.posts.length >= 2, 30_000);
    assert.equal((rx.posts[1]!.body as { status: string }).status, "resolved");
  } finally {
    sock.destroy();
    await loupe.stop();
    await rx.close();
  }
});
