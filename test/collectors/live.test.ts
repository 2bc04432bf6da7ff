// Cross-checks on the live machine: the collectors against the same kernel counters read another
// way (free -b, df -B1, /proc read directly, os.uptime, os.cpus), within a tolerance for what moves
// between the two readings.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { cpus, uptime } from "node:os";
import { createProcFs } from "../../src/collectors/index.js";
import { needs } from "../helpers/system.js";
import { harness, MemoryProcFs } from "./helpers.js";

function liveFs(): MemoryProcFs {
  const fs = new MemoryProcFs();
  const live = createProcFs();
  fs.readProc = (p) => live.readProc(p);
  fs.readProcSync = (p) => live.readProcSync!(p);
  fs.listProc = (p) => live.listProc(p);
  fs.readSys = (p) => live.readSys(p);
  fs.statfs = (p) => live.statfs(p);
  return fs;
}

function within(actual: number | undefined, expected: number, tolerance: number, what: string): void {
  assert.ok(actual !== undefined, `${what} missing`);
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: collector ${actual} vs ${expected} (tolerance ${tolerance})`);
}

const MiB = 1024 * 1024;

test("memory agrees with free -b", { skip: needs("/usr/bin/free") }, async () => {
  const m = await (await harness(["memory"], { procfs: liveFs() })).run("memory");
  const line = execFileSync("free", ["-b"], { encoding: "utf8" }).split("\n").find((l) => l.startsWith("Mem:"))!;
  const [total, , free, , , available] = line.split(/\s+/).slice(1).map(Number);
  assert.equal(m.get("MemTotal"), total, "MemTotal is exact");
  within(m.get("MemFree"), free!, 256 * MiB, "MemFree");
  within(m.get("MemAvailable"), available!, 256 * MiB, "MemAvailable");
  const swap = execFileSync("free", ["-b"], { encoding: "utf8" }).split("\n").find((l) => l.startsWith("Swap:"))!;
  assert.equal(m.get("SwapTotal"), Number(swap.split(/\s+/)[1]));
});

test("diskspace of / agrees with df -B1", { skip: needs("/usr/bin/df") }, async () => {
  const m = await (await harness(["diskspace"], { procfs: liveFs() })).run("diskspace");
  const [, , used, avail] = execFileSync("df", ["-B1", "/"], { encoding: "utf8" }).trim().split("\n")[1]!.split(/\s+/);
  within(m.get("root.byte_used"), Number(used), 64 * MiB, "root.byte_used");
  within(m.get("root.byte_avail"), Number(avail), 64 * MiB, "root.byte_avail");
  const [, inodes, iused, ifree] = execFileSync("df", ["-i", "/"], { encoding: "utf8" }).trim().split("\n")[1]!.split(/\s+/).map(Number);
  within(m.get("root.inodes_used"), iused!, 1000, "root.inodes_used");
  within(m.get("root.inodes_free"), ifree!, 1000, "root.inodes_free");
  assert.ok(inodes! > 0);
});

test("loadavg and uptime agree with /proc read directly and os.uptime()", async () => {
  const h = await harness(["loadavg", "uptime"], { procfs: liveFs() });
  const l = await h.run("loadavg");
  const direct = readFileSync("/proc/loadavg", "utf8").split(/\s+/);
  within(l.get("01"), Number(direct[0]), 0.5, "load 1");
  within(l.get("15"), Number(direct[2]), 0.1, "load 15");
  within(l.get("processes_total"), Number(direct[3]!.split("/")[1]), 50, "processes_total");
  within(l.get("01_normalized"), l.get("01")! / cpus().length, 0.006, "normalized by os.cpus() (2 decimals)");
  const u = await h.run("uptime");
  within(u.get("minutes")! * 60, uptime(), 32, "uptime in whole minutes");
});

test("cpu: the jiffies of all states add up to 100 per core per second", async () => {
  const h = await harness(["cpu"], { procfs: liveFs() });
  await h.run("cpu");
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, 1000));
  h.clock.advance(Date.now() - t0);
  const m = await h.run("cpu");
  assert.equal(m.get("cpu_count"), cpus().length);
  let sum = 0;
  for (const f of ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"]) sum += m.get(`total.${f}`) ?? 0;
  within(sum, 100 * cpus().length, 15 * cpus().length, "sum of total.* jiffies/s");
});

test("processes: total agrees with the numeric entries of /proc", async () => {
  const m = await (await harness(["processes"], { procfs: liveFs() })).run("processes");
  const direct = readdirSync("/proc").filter((n) => /^\d+$/.test(n)).length;
  within(m.get("total"), direct, 20, "total processes");
  const [allocated] = readFileSync("/proc/sys/fs/file-nr", "utf8").split(/\s+/).map(Number);
  within(m.get("fds"), allocated!, 500, "allocated file handles");
});
