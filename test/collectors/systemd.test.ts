// The systemd collector: `systemctl list-units` output (fixture, see test/fixtures/systemd/README.md)
// through a stand-in systemctl script, its timeout and failure, and the graceful idling on this VM,
// where systemd is not PID 1.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers/tmp.js";
import { FIXTURES, harness } from "./helpers.js";
import { countStates, parseListUnits, stateCode } from "../../src/collectors/systemd.js";
import { fixture } from "./helpers.js";

function script(body: string): string {
  const dir = tempDir("loupe-systemctl-");
  const p = join(dir, "systemctl");
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

test("systemd: list-units parsing and state counts", () => {
  const rows = parseListUnits(fixture("systemd/list-units.txt"));
  assert.equal(rows.length, 16);
  assert.deepEqual(rows.find((r) => r.unit === "mariadb.service"), { unit: "mariadb.service", load: "loaded", active: "failed", sub: "failed" });
  const services = countStates(rows, ["service"]);
  assert.deepEqual(Object.fromEntries(services), { inactive: 3, active: 5, activating: 1, deactivating: 1, reloading: 0, failed: 1, maintenance: 0, total: 11 });
  assert.equal(countStates(rows, []).get("total"), 16);
  assert.equal(stateCode(rows.find((r) => r.unit === "ntp.service")), -1);
  assert.equal(stateCode(undefined), -1);
});

test("systemd: counts and per-unit states through systemctl", async () => {
  const systemctl = script(`cat ${join(FIXTURES, "systemd", "list-units.txt")}`);
  const h = await harness(["systemd"], { ini: `[collector.systemd]\nsystemctl = ${systemctl}\nbooted_marker = ${FIXTURES}\nunits = nginx.service, mariadb, getty@tty1.service, absent.service\n` });
  const r = await h.run("systemd");
  assert.equal(r.get("units.active"), 5);
  assert.equal(r.get("units.failed"), 1);
  assert.equal(r.get("units.total"), 11);
  assert.equal(r.get("unit.nginx.active"), 1);
  assert.equal(r.get("unit.nginx.state"), 1);
  assert.equal(r.get("unit.mariadb.state"), 5);
  assert.equal(r.get("unit.mariadb.active"), 0);
  assert.equal(r.get("unit.getty_tty1.state"), 1);
  assert.equal(r.get("unit.absent.state"), -1);
  await h.collectors.stop();
});

test("systemd: a hung systemctl is stopped at command_timeout, a failing one reports its stderr", async () => {
  const slow = await harness(["systemd"], { ini: `[collector.systemd]\nsystemctl = ${script("sleep 5")}\nbooted_marker = ${FIXTURES}\ncommand_timeout = 200ms\n` });
  await assert.rejects(slow.run("systemd"), /command_timeout/);
  const failing = await harness(["systemd"], { ini: `[collector.systemd]\nsystemctl = ${script("echo 'Failed to connect to bus: Host is down' >&2; exit 1")}\nbooted_marker = ${FIXTURES}\n` });
  await assert.rejects(failing.run("systemd"), /Failed to connect to bus/);
  await Promise.all([slow.collectors.stop(), failing.collectors.stop()]);
});

test("systemd: live — idle without error where systemd is not PID 1, counts where it is", async () => {
  const h = await harness(["systemd"], { ini: "[collector.systemd]\n" });
  const r = await h.run("systemd");
  if (existsSync("/run/systemd/system")) assert.ok((r.get("units.total") ?? 0) > 0);
  else assert.equal(r.size, 0, "nothing published without systemd");
  await h.collectors.stop();
});
