/**
 * Forwarding into real peers, all started here on loopback and stopped by PID: a second Loupe (spawned
 * `loupe run`) that goes down for 60 s while points flow, carbon-cache (whisper-fetch), InfluxDB 1.6
 * (InfluxQL), and a spawned `loupe agent` killed with SIGKILL while its queue holds data. The other
 * cases run while the outage lasts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Sample } from "../../src/model/index.js";
import { startCarbon, whisperFetch, CARBON_BIN, WHISPER_FETCH_BIN } from "../helpers/carbon.js";
import { INFLUXD_BIN, influxQuery, startInfluxd } from "../helpers/servers.js";
import { spawnLoupe } from "../helpers/spawn-loupe.js";
import { freePort, needs } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";
import { forwardersFor, renderPoints, series, startPeerLoupe, until } from "./helpers.js";

const OUTAGE_MS = 60_000;
const alignedPast = (ms: number): number => Math.floor((Date.now() - ms) / 10_000) * 10_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What was sent, per series: [value, ts_s] as /render returns it. */
function expected(sent: readonly Sample[]): Map<string, Array<[number, number]>> {
  const out = new Map<string, Array<[number, number]>>();
  for (const s of sent) {
    const list = out.get(s.name) ?? [];
    list.push([s.value, s.ts / 1000]);
    out.set(s.name, list);
  }
  return out;
}

async function outageCase(): Promise<void> {
  const dir = tempDir("loupe-fwd-outage-");
  let peer = await startPeerLoupe(join(dir, "peer"));
  const ports = { http: peer.httpPort, graphite: peer.graphitePort };
  const { fw, metrics } = forwardersFor(join(dir, "fwd"), `[forward.peer]\ntype = graphite\naddr = 127.0.0.1:${ports.graphite}\nbatch_size = 50\nbatch_max_wait = 200ms\nretry_min = 200ms\nretry_max = 2s\ntimeout = 3s\n`);
  const t0 = alignedPast(4 * 3600_000);
  const sent: Sample[] = [];
  let step = 0;
  const sendFor = async (ms: number): Promise<void> => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const batch = series("fault", 3, 1, t0, step++);
      sent.push(...batch);
      fw.write(batch);
      await sleep(100);
    }
  };
  try {
    await sendFor(3000);
    await peer.stop(); // the target is down …
    await sendFor(OUTAGE_MS);
    const during = fw.status()[0]!;
    assert.ok(during.retried > 0, "failed deliveries were retried");
    assert.ok(during.queuedPoints > 0 && during.lagSeconds > 30, `points waited in the queue (${during.queuedPoints}, lag ${during.lagSeconds} s)`);
    peer = await startPeerLoupe(join(dir, "peer"), ports); // … and back
    await sendFor(3000);
    await until("the queue to drain", () => fw.status()[0]!.queuedPoints === 0, 60_000);
    const want = expected(sent);
    const fromS = t0 / 1000 - 10;
    const untilS = t0 / 1000 + step * 10 + 10;
    const got = await until("every point in the second Loupe", async () => {
      const g = await renderPoints(peer.httpPort, "fault.*", fromS, untilS);
      return [...want].every(([name, pts]) => (g.get(name)?.length ?? 0) >= pts.length) ? g : undefined;
    }, 30_000);
    for (const [name, pts] of want) assert.deepEqual(got.get(name), pts, `${name}: every point exactly as sent`);
    const st = fw.status()[0]!;
    // duplicates: a batch resent after its bytes were all written may have been read twice; the count is on /metrics
    const dup = /loupe_forward_possible_duplicate_points_total\{forwarder="peer"\} (\d+)/.exec(metrics.expose());
    assert.ok(dup !== null, "possible duplicates reported on /metrics");
    assert.ok(st.sent >= sent.length, `every point acknowledged at least once (${st.sent} ≥ ${sent.length})`);
    assert.ok(st.sent - sent.length <= Number(dup[1]), `points sent more than once (${st.sent - sent.length}) are within the reported possible duplicates (${dup[1]})`);
    assert.equal(st.dropped, 0);
  } finally {
    await fw.stop(1000);
    await peer.stop();
  }
}

async function carbonCase(): Promise<void> {
  const carbon = await startCarbon();
  try {
    const { fw } = forwardersFor(tempDir("loupe-fwd-carbon-"), `[forward.carbon]\ntype = graphite\naddr = 127.0.0.1:${carbon.linePort}\nbatch_max_wait = 100ms\n`);
    const t0 = alignedPast(3600_000);
    const sent = series("fwd.carbon", 2, 30, t0);
    fw.write(sent);
    const want = expected(sent);
    for (const [name, pts] of want) {
      const got = await until(`${name} in whisper`, async () => {
        const g = await whisperFetch(carbon, name, t0 / 1000, t0 / 1000 + 300);
        return g.length >= pts.length ? g : undefined;
      }, 60_000, 500);
      assert.deepEqual(got.map(([ts, v]) => [v, ts]), pts, `${name} in carbon exactly as sent`);
    }
    assert.equal(fw.status()[0]!.sent, sent.length);
    await fw.stop(1000);
  } finally {
    await carbon.stop();
  }
}

async function influxCase(): Promise<void> {
  const influxd = await startInfluxd();
  try {
    await influxQuery(influxd.url, "CREATE DATABASE fwd");
    const { fw } = forwardersFor(tempDir("loupe-fwd-influx-"), `[forward.influx]\ntype = influx\nurl = ${influxd.url}\ndatabase = fwd\nbatch_size = 25\nbatch_max_wait = 100ms\n`);
    const t0 = alignedPast(3600_000);
    const sent = [...series("fwd.influx", 2, 30, t0), { name: "disk space", tags: { host: "web 1", path: "/var,log" }, ts: t0, value: 42.5 }];
    fw.write(sent);
    const rows = async (q: string): Promise<unknown[][]> => {
      const j = (await influxQuery(influxd.url, q, "fwd")) as { results: Array<{ series?: Array<{ values: unknown[][] }> }> };
      return j.results[0]?.series?.[0]?.values ?? [];
    };
    for (const [name, pts] of expected(sent.slice(0, 60))) {
      const got = await until(`${name} in InfluxDB`, async () => {
        const r = await rows(`SELECT "value" FROM "${name}"`);
        return r.length >= pts.length ? r : undefined;
      });
      assert.deepEqual(got.map(([ts, v]) => [v, Number(ts) / 1000]), pts, `${name}: measurement = path, field value, exactly as sent`);
    }
    assert.deepEqual(await rows(`SELECT "value", "host", "path" FROM "disk space"`), [[t0, 42.5, "web 1", "/var,log"]], "tags escaped and kept");
    assert.equal(fw.status()[0]!.sent, sent.length);
    // a batch InfluxDB refuses (400: field type conflict) is dropped and counted, not retried forever
    const w = await fetch(`${influxd.url}/write?db=fwd&precision=ms`, { method: "POST", body: `conflict value="text" ${t0}\n` });
    assert.equal(w.status, 204);
    fw.write([{ name: "conflict", ts: t0 + 1000, value: 1 }]);
    const st = await until("the refused batch counted", () => (fw.status()[0]!.dropped === 1 ? fw.status()[0]! : undefined));
    assert.match(st.lastError ?? "", /HTTP 400.*conflict/);
    assert.equal(st.queuedPoints, 0);
    await fw.stop(1000);
  } finally {
    await influxd.stop();
  }
}

const metricValue = (text: string, re: RegExp): number => Number(re.exec(text)?.[1] ?? NaN);

async function agentKillCase(): Promise<void> {
  const dir = tempDir("loupe-fwd-agent-");
  const [qHttp, qGraphite, mport] = [await freePort(), await freePort(), await freePort()];
  const ini = join(dir, "agent.ini");
  writeFileSync(ini, `[server]\nagent_metrics_addr = 127.0.0.1:${mport}\n[paths]\ndata = ${join(dir, "agent")}\n[collectors]\ninterval = 1s\nhostname = agentk9\n[forward.central]\ntype = graphite\naddr = 127.0.0.1:${qGraphite}\nretry_min = 100ms\nretry_max = 500ms\nbatch_max_wait = 100ms\n`);
  const scrape = async (): Promise<string> => await (await fetch(`http://127.0.0.1:${mport}/metrics`)).text();
  const queued = /loupe_forward_queue_points\{forwarder="central"\} (\d+)/;
  let agent = spawnLoupe(["agent", "--config", ini], { cwd: dir });
  let q: Awaited<ReturnType<typeof startPeerLoupe>> | undefined;
  try {
    // the central Loupe is not there yet: the agent's queue fills
    await until("points queued in the agent", async () => metricValue(await scrape(), queued) >= 100, 60_000);
    await sleep(3000); // a few more collection cycles
    const before = metricValue(await scrape(), queued);
    const killedAt = Date.now();
    agent.child.kill("SIGKILL");
    await agent.exited;
    q = await startPeerLoupe(join(dir, "q"), { http: qHttp, graphite: qGraphite });
    agent = spawnLoupe(["agent", "--config", ini], { cwd: dir });
    await until("the queue to drain after the restart", async () => metricValue(await scrape(), /loupe_forward_sent_points_total\{forwarder="central"\} (\d+)/) >= before, 60_000);
    const fromS = Math.floor(killedAt / 1000) - 600;
    const got = await until("points collected before the kill in the central Loupe", async () => {
      const g = await renderPoints(qHttp, "servers.agentk9.memory.MemTotal", fromS, Math.ceil(Date.now() / 1000));
      const pts = g.get("servers.agentk9.memory.MemTotal") ?? [];
      return pts.some(([, ts]) => ts * 1000 < killedAt - 1000) ? pts : undefined;
    }, 60_000);
    assert.ok(got.length >= 1);
  } finally {
    if (agent.child.exitCode === null) {
      agent.child.kill("SIGTERM");
      await agent.exited;
    }
    await q?.stop();
  }
}

test(
  "forwarding into real peers: a second Loupe down for 60 s, carbon, InfluxDB 1.6, kill -9 of an agent",
  { concurrency: true, timeout: 300_000, skip: needs(CARBON_BIN, WHISPER_FETCH_BIN, INFLUXD_BIN) },
  async (t) => {
    await Promise.all([
      t.test("graphite → a second Loupe that is down for 60 s: every point arrives exactly as sent", outageCase),
      t.test("graphite → carbon-cache: the points are in whisper", carbonCase),
      t.test("influx → InfluxDB 1.6: the points answer InfluxQL", influxCase),
      t.test("loupe agent killed with SIGKILL while its queue holds data: the queue drains after the restart", agentKillCase),
    ]);
  },
);
