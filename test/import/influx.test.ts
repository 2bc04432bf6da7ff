/**
 * `loupe import influx` against Debian's influxdb 1.6: data written through its HTTP API is imported
 * over /query (chunked, in windows) and from an export file; /render of every imported series
 * equals what InfluxQL returns. Runs resume after --limit without counting anything twice.
 *
 * The export file: Debian's influxdb package ships influxd only (no influx_inspect), so the test
 * writes the file in influx_inspect export's format (header, DDL, DML with CONTEXT lines, one field
 * per line grouped by series and field, nanosecond timestamps, gzip) from what InfluxQL returns.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { influxQuery, startInfluxd, type Influxd } from "../helpers/servers.js";
import { tempDir } from "../helpers/tmp.js";
import { countsOf, loupe, loupeEnv, render, startOn } from "./harness.js";

const NOW_S = Math.floor(Date.now() / 1000);
// on the 5-minute grid, as Graphite-style reads bucket a 5-minute series (disk below)
const START_S = NOW_S - 2 * 86400 - (NOW_S % 300);
const STEP_S = 60;
let influx: Influxd;

interface QueryAnswer {
  results: Array<{ series?: Array<{ name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }> }>;
}

/** InfluxQL's view of every numeric field: series key (Loupe's) → unix seconds → value. */
async function influxSeries(db: string, measurements: string[]): Promise<Map<string, Map<number, number>>> {
  const out = new Map<string, Map<number, number>>();
  for (const m of measurements) {
    const a = (await influxQuery(influx.url, `SELECT * FROM "${m}" GROUP BY *`, db)) as QueryAnswer;
    for (const s of a.results[0]?.series ?? []) {
      const tags = Object.entries(s.tags ?? {}).filter(([, v]) => v !== "").sort(([x], [y]) => (x < y ? -1 : 1));
      s.columns.forEach((c, i) => {
        if (i === 0) return;
        const key = `${s.name}.${c}${tags.map(([k, v]) => `;${k}=${v}`).join("")}`;
        const pts = new Map<number, number>();
        for (const row of s.values) {
          const v = row[i];
          if (typeof v === "number") pts.set((row[0] as number) / 1000, v);
          else if (typeof v === "boolean") pts.set((row[0] as number) / 1000, v ? 1 : 0);
        }
        if (pts.size > 0) out.set(key, pts);
      });
    }
  }
  return out;
}

async function assertRenderEquals(env: ReturnType<typeof loupeEnv>, want: Map<string, Map<number, number>>): Promise<void> {
  const running = await startOn(env);
  try {
    for (const [key, pts] of want) {
      // a tag value with a space cannot be written in a path: seriesByTag names the series
      const [name, ...tags] = key.split(";");
      const target = tags.length === 0 ? key : `seriesByTag(${[`name=${name}`, ...tags].map((t) => `'${t}'`).join(",")})`;
      const got = await render(running.httpPort, target, START_S - 1, NOW_S);
      assert.deepEqual(got, pts, key);
    }
  } finally {
    await running.stop();
  }
}

before(async () => {
  influx = await startInfluxd();
  for (const db of ["telegraf", "other"]) await influxQuery(influx.url, `CREATE DATABASE ${db}`);
  const lines: string[] = [];
  for (let t = START_S, i = 0; t < NOW_S - 60; t += STEP_S, i++) {
    for (const host of ["a", "b"]) {
      const u = Math.round((Math.sin(i / 30) * 40 + 50) * 100) / 100;
      lines.push(`cpu,host=${host},dc=eu usage_user=${u},usage_system=${(i % 97) / 4},procs=${100 + (i % 13)}i,up=${i % 5 !== 0},note="all fine, ${i}" ${t}`);
    }
    if (i % 5 === 0) lines.push(`disk,host=a,path=/var\\ lib free=${1e9 - i * 1000} ${t}`);
    lines.push(`mem,host=a free=${i} ${t}`);
  }
  const res = await fetch(`${influx.url}/write?db=telegraf&precision=s`, { method: "POST", body: lines.join("\n") });
  assert.equal(res.status, 204, await res.text());
  const other = await fetch(`${influx.url}/write?db=other&precision=s`, { method: "POST", body: `cpu,host=zzz usage_user=1 ${NOW_S - 600}` });
  assert.equal(other.status, 204);
});

after(async () => {
  await influx?.stop();
});

test("influx over HTTP: every numeric field of the chosen measurements reads back through /render as InfluxQL returns it", async () => {
  const env = loupeEnv("loupe-imp-influx-");
  const r = await loupe(["import", "influx", "--url", influx.url, "--db", "telegraf", "--measurement", "^(cpu|disk)$", "--window", "12h", "--config", env.configFile]);
  assert.equal(r.code, 0, r.err + r.out);
  const want = await influxSeries("telegraf", ["cpu", "disk"]);
  assert.equal(want.size, 2 * 4 + 1, [...want.keys()].join(" "));
  const c = countsOf(r.out);
  assert.equal(c.series, want.size);
  assert.equal(c.added, [...want.values()].reduce((n, m) => n + m.size, 0));
  assert.match(r.out, /skipped (\d+)/, "string fields are counted as skipped");
  await assertRenderEquals(env, want);
  // mem was not chosen; a second run adds nothing
  const again = await loupe(["import", "influx", "--url", influx.url, "--db", "telegraf", "--measurement", "^(cpu|disk)$", "--window", "12h", "--config", env.configFile, "--state", join(env.dir, "s2.json")]);
  assert.equal(countsOf(again.out).added, 0);
  assert.equal(countsOf(again.out).alreadyStored, c.added);
});

test("influx over HTTP: a run stopped by --limit resumes at the next window", async () => {
  const env = loupeEnv("loupe-imp-influx-resume-");
  const args = ["import", "influx", "--url", influx.url, "--db", "telegraf", "--rp", "autogen", "--measurement", "^cpu$", "--window", "12h", "--config", env.configFile];
  const part = await loupe([...args, "--limit", "2"]);
  assert.match(part.out, /2\/\d+ windows done \(stopped early/);
  const rest = await loupe(args);
  assert.equal(rest.code, 0, rest.err);
  const want = await influxSeries("telegraf", ["cpu"]);
  const total = [...want.values()].reduce((n, m) => n + m.size, 0);
  assert.equal(countsOf(part.out).added + countsOf(rest.out).added, total);
  assert.equal(countsOf(rest.out).alreadyStored, 0);
  await assertRenderEquals(env, want);
});

test("influx over HTTP: --from and --until bound what is read", async () => {
  const env = loupeEnv("loupe-imp-influx-range-");
  const [from, until] = [(START_S + 86400) * 1000, (START_S + 86400 + 6 * 3600) * 1000];
  const r = await loupe(["import", "influx", "--url", influx.url, "--db", "telegraf", "--measurement", "^mem$", "--from", new Date(from).toISOString(), "--until", String(until / 1000), "--config", env.configFile]);
  assert.equal(r.code, 0, r.err);
  const a = (await influxQuery(influx.url, `SELECT count(free) FROM mem WHERE time >= ${from}ms AND time < ${until}ms`, "telegraf")) as QueryAnswer;
  const want = a.results[0]!.series![0]!.values[0]![1] as number;
  assert.equal(want, 360);
  assert.equal(countsOf(r.out).added, want);
  const bad = await loupe(["import", "influx", "--url", influx.url, "--db", "telegraf", "--from", "yesterday-ish", "--config", env.configFile]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /--from "yesterday-ish" is not a time/);
});

/** An influx_inspect export of the databases: one field per line, grouped by series then field. */
async function exportFile(dir: string): Promise<string> {
  const parts = ["# INFLUXDB EXPORT: 1677-09-21T00:12:43Z - 2262-04-11T23:47:16Z", "# DDL", "CREATE DATABASE telegraf WITH NAME autogen", "CREATE DATABASE other WITH NAME autogen", "# DML"];
  for (const db of ["telegraf", "other"]) {
    parts.push(`# CONTEXT-DATABASE:${db}`, "# CONTEXT-RETENTION-POLICY:autogen", "# writing tsm data");
    for (const m of ["cpu", "disk", "mem"]) {
      const a = (await influxQuery(influx.url, `SELECT * FROM "${m}" GROUP BY *`, db)) as QueryAnswer;
      for (const s of a.results[0]?.series ?? []) {
        const esc = (x: string): string => x.replace(/[ ,=]/g, (ch) => `\\${ch}`);
        const head = `${s.name}${Object.entries(s.tags ?? {}).filter(([, v]) => v !== "").sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, v]) => `,${esc(k)}=${esc(v)}`).join("")}`;
        s.columns.forEach((c, i) => {
          if (i === 0) return;
          for (const row of s.values) {
            const v = row[i];
            if (v === null) continue;
            const text = typeof v === "string" ? `"${v.replace(/"/g, '\\"')}"` : Number.isInteger(v) && c === "procs" ? `${v as number}i` : String(v);
            parts.push(`${head} ${esc(c)}=${text} ${(row[0] as number) * 1_000_000}`);
          }
        });
      }
    }
  }
  const file = join(dir, "export.lp.gz");
  writeFileSync(file, gzipSync(parts.join("\n") + "\n"));
  return file;
}

test("influx export file (gzip): /render equals InfluxQL; --db picks one database's DML; resumable", async () => {
  const file = await exportFile(tempDir("loupe-imp-export-"));
  const env = loupeEnv("loupe-imp-file-");
  const part = await loupe(["import", "influx", "--file", file, "--db", "telegraf", "--batch", "5000", "--limit", "1", "--config", env.configFile]);
  assert.equal(part.code, 0, part.err);
  assert.match(part.out, /stopped early/);
  const rest = await loupe(["import", "influx", "--file", file, "--db", "telegraf", "--batch", "5000", "--config", env.configFile]);
  assert.equal(rest.code, 0, rest.err);
  const want = await influxSeries("telegraf", ["cpu", "disk", "mem"]);
  const total = [...want.values()].reduce((n, m) => n + m.size, 0);
  assert.equal(countsOf(part.out).added + countsOf(rest.out).added, total);
  await assertRenderEquals(env, want);
  const running = await startOn(env);
  try {
    assert.equal((await render(running.httpPort, "cpu.usage_user;host=zzz", START_S, NOW_S)).size, 0, "the other database was left out");
  } finally {
    await running.stop();
  }
  // a whole second run, without the state, adds nothing
  const again = await loupe(["import", "influx", "--file", file, "--db", "telegraf", "--config", env.configFile, "--state", join(env.dir, "s2.json")]);
  assert.equal(countsOf(again.out).added, 0);
});
