// `loupe run` starts the default collectors with the store as sink: their runs show on /metrics
// and their samples can be read back through /render. A bad [collector.*] section stops the start.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnLoupe } from "../helpers/spawn-loupe.js";
import { tempDir } from "../helpers/tmp.js";

const env = {
  LOUPE_CONFIG: "",
  LOUPE_SERVER_HTTP_PORT: "0",
  LOUPE_INGEST_GRAPHITE_TCP_ADDR: "127.0.0.1:0",
  LOUPE_INGEST_GRAPHITE_UDP_ADDR: "127.0.0.1:0",
  LOUPE_COLLECTORS_INTERVAL: "1s",
  LOUPE_COLLECTORS_HOSTNAME: "wired",
};

test("loupe run: collectors write to the store and report on /metrics; SIGTERM stops them", async () => {
  const loupe = spawnLoupe(["run"], { cwd: tempDir(), env });
  try {
    const port = await loupe.ready;
    let metrics = "";
    for (let i = 0; i < 60; i++) {
      metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      if (/loupe_collector_runs_total\{collector="loadavg"\} [2-9]/.test(metrics)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const c of ["cpu", "memory", "loadavg", "diskspace", "iostat", "network", "vmstat", "uptime"]) assert.match(metrics, new RegExp(`loupe_collector_runs_total\\{collector="${c}"\\} \\d`), c);
    assert.match(metrics, /loupe_collector_errors_total\{collector="loadavg"\} 0/);
    const res = await fetch(`http://127.0.0.1:${port}/render?target=servers.wired.memory.MemTotal&from=-2min&format=json`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { target: string; datapoints: [number | null, number][] }[];
    const values = body.flatMap((s) => s.datapoints.map(([v]) => v)).filter((v) => v !== null);
    assert.ok(values.length > 0 && values.every((v) => v! > 0), `MemTotal stored: ${JSON.stringify(body).slice(0, 200)}`);
  } finally {
    loupe.child.kill("SIGTERM");
  }
  const { code } = await loupe.exited;
  assert.equal(code, 0, loupe.stderr());
  assert.match(loupe.stderr(), /collectors started .*host=wired/);
});

test("loupe run refuses an unknown [collector.*] section, naming it and suggesting the right one", async () => {
  const dir = tempDir();
  writeFileSync(join(dir, "loupe.ini"), "[collector.memroy]\nenabled = true\n");
  const loupe = spawnLoupe(["run"], { cwd: dir, env: { ...env, LOUPE_CONFIG: join(dir, "loupe.ini") } });
  const { code } = await loupe.exited;
  assert.equal(code, 1);
  assert.match(loupe.stderr(), /\[collector\.memroy\]: unknown collector \(did you mean \[collector\.memory\]\?\)/);
});
