/** Agent mode: refused without a forwarder, serves only /metrics when asked, check-config names bad [forward.*] keys. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../../src/cli.js";
import { loadConfig } from "../../src/config/index.js";
import { startAgent } from "../../src/main-agent.js";
import { startLoupe } from "../../src/main.js";
import { freePort } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";
import { quietLog } from "./helpers.js";

test("agent mode without an enabled forwarder is refused with a clear error", async () => {
  const dir = tempDir();
  for (const extra of ["", "[forward.off]\nenabled = false\naddr = 127.0.0.1:9\n"]) {
    const config = loadConfig({ text: `[paths]\ndata = ${dir}\n${extra}`, env: {} });
    await assert.rejects(startAgent(config, quietLog().log), /agent mode needs at least one enabled \[forward\.<name>\]/);
  }
  const ini = join(dir, "a.ini");
  writeFileSync(ini, `[server]\nmode = agent\n[paths]\ndata = ${dir}\n`);
  let err = "";
  assert.equal(await runCli(["run", "--config", ini], { out: () => undefined, err: (t) => void (err += t) }), 1);
  await assert.rejects(startLoupe(loadConfig({ text: "[server]\nmode = agent\n", env: {} }), quietLog().log), /loupe agent/);
});

test("agent: collectors and forwarders only (no database file), GET /metrics on agent_metrics_addr, 404 elsewhere", async () => {
  const dir = tempDir();
  const [port, dead] = [await freePort(), await freePort()];
  const config = loadConfig({ text: `[server]\nagent_metrics_addr = 127.0.0.1:${port}\n[paths]\ndata = ${dir}\n[collectors]\nhostname = agt\n[forward.central]\naddr = 127.0.0.1:${dead}\n`, env: {} });
  const agent = await startAgent(config, quietLog().log);
  try {
    assert.equal(agent.metricsPort, port);
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /loupe_forward_queue_bytes\{forwarder="central"\} \d+/);
    assert.match(text, /loupe_forward_lag_seconds\{forwarder="central"\}/);
    assert.match(text, /loupe_forward_possible_duplicate_points_total\{forwarder="central"\} 0/);
    assert.equal((await fetch(`http://127.0.0.1:${port}/`)).status, 404);
    assert.equal((await fetch(`http://127.0.0.1:${port}/render?target=x`)).status, 404);
    assert.ok(!existsSync(join(dir, "loupe.db")), "no database in agent mode");
    assert.ok(existsSync(join(dir, "forward", "central")), "the queue lives under <paths.data>/forward/<name>/");
    const [st] = agent.forwarders.status();
    assert.equal(st?.target, `127.0.0.1:${dead}`);
  } finally {
    await agent.stop();
  }
});

test("agent: one per data dir (agent.pid of a live process refuses, of a dead one is taken over)", async () => {
  const dir = tempDir();
  const config = loadConfig({ text: `[paths]\ndata = ${dir}\n[forward.central]\naddr = 127.0.0.1:9\n`, env: {} });
  writeFileSync(join(dir, "agent.pid"), `${process.ppid}\n`); // alive, and not this process
  await assert.rejects(startAgent(config, quietLog().log), new RegExp(`another loupe agent \\(PID ${process.ppid}\\)`));
  writeFileSync(join(dir, "agent.pid"), "999999999\n"); // no such process: left by a kill -9
  const agent = await startAgent(config, quietLog().log);
  assert.equal(readFileSync(join(dir, "agent.pid"), "utf8"), `${process.pid}\n`);
  await agent.stop();
  assert.ok(!existsSync(join(dir, "agent.pid")), "released at stop");
});

test("check-config names the section and key of a bad [forward.*] option", async () => {
  const dir = tempDir();
  const ini = join(dir, "f.ini");
  writeFileSync(ini, "[forward.vm]\ntype = influx\nurl = http://127.0.0.1:8086\nbatch_size = lots\n");
  let err = "";
  assert.equal(await runCli(["check-config", "--config", ini], { out: () => undefined, err: (t) => void (err += t) }), 1);
  assert.match(err, /forward\.vm/);
  assert.match(err, /batch_size/);
  assert.match(err, /f\.ini:4:/, "with the file and line");
});
