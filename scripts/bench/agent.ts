// Agent mode footprint: a real `loupe agent` (compiled, bin/loupe.js) with the default collectors and
// one graphite forwarder into a TCP receiver in this process, for CYCLES collection cycles at 1 s (ten
// times the default rate: more garbage per minute than in production). Peak RSS (VmHWM) and CPU per
// cycle from /proc/<pid>; Node's own floor for comparison. Target: peak RSS ≤ 60 MiB.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/lib/package-info.js";
import { printTable } from "./_table.js";

const CYCLES = Number(process.env["BENCH_AGENT_CYCLES"] ?? 60);
const WARMUP_S = 5;
const TICK_MS = 1000 / 100; // /proc/<pid>/stat times are in clock ticks (USER_HZ = 100)

const build = spawnSync(process.execPath, [join(PROJECT_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(PROJECT_ROOT, "tsconfig.build.json")], { stdio: "inherit" });
if (build.status !== 0) throw new Error("tsc -p tsconfig.build.json failed");

let lines = 0;
const receiver = createServer({ allowHalfOpen: true }, (s) => {
  s.on("data", (b: Buffer) => {
    for (const c of b) if (c === 10) lines++;
  });
  s.on("end", () => s.end());
});
await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
const port = (receiver.address() as AddressInfo).port;

const status = (pid: number, key: string): number => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN) / 1024;
const cpuTicks = (pid: number): number => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return Number(f[11]) + Number(f[12]); // utime + stime
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function run(args: string[], seconds: number): Promise<{ hwm: number; rss: number; cpuMsPerCycle: number }> {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "ignore"] });
  const pid = child.pid!;
  await sleep(WARMUP_S * 1000);
  const c0 = cpuTicks(pid);
  await sleep(seconds * 1000);
  const c1 = cpuTicks(pid);
  const out = { hwm: status(pid, "VmHWM"), rss: status(pid, "VmRSS"), cpuMsPerCycle: ((c1 - c0) * TICK_MS) / seconds };
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
  return out;
}

const dir = mkdtempSync(join(tmpdir(), "loupe-bench-agent-"));
try {
  const ini = join(dir, "agent.ini");
  writeFileSync(ini, `[paths]\ndata = ${join(dir, "data")}\n[collectors]\ninterval = 1s\nhostname = bench\n[forward.central]\ntype = graphite\naddr = 127.0.0.1:${port}\n`);
  const floor = await run(["-e", "setInterval(() => {}, 1000)"], 3);
  const agent = await run([join(PROJECT_ROOT, "bin", "loupe.js"), "agent", "--config", ini], CYCLES);
  printTable(
    "Agent mode",
    `\`loupe agent\` (compiled, V8 lite mode + 1 MiB young generation), default collectors at 1 s for ${CYCLES} cycles after ${WARMUP_S} s, one graphite forwarder to a local receiver (${lines.toLocaleString("en-US")} lines received). Target: peak RSS ≤ 60 MiB.`,
    ["process", "peak RSS (VmHWM) MiB", "RSS at end MiB", "CPU ms per cycle"],
    [
      ["node -e 'setInterval(…)' (floor)", floor.hwm, floor.rss, "—"],
      ["loupe agent", agent.hwm, agent.rss, agent.cpuMsPerCycle],
    ],
  );
} finally {
  receiver.close();
  rmSync(dir, { recursive: true, force: true });
}
