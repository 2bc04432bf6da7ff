/**
 * `loupe import whisper`: files made by Debian's python3-whisper (whisper-create, whisper-update)
 * are imported; /render over each archive's range equals whisper-fetch over it where that archive
 * is the finest one; a second run adds nothing; a run stopped by --limit resumes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { countsOf, loupe, loupeEnv, render, startOn } from "./harness.js";
import { tempDir } from "../helpers/tmp.js";

const NOW = Math.floor(Date.now() / 1000);

interface Fetched {
  readonly start: number;
  readonly step: number;
  readonly values: Array<number | null>;
}

function whisperCreate(file: string, archives: string[]): void {
  mkdirSync(dirname(file), { recursive: true });
  execFileSync("/usr/bin/whisper-create", [file, ...archives], { stdio: "pipe" });
}

/** whisper-update in slices (argument length). */
function whisperUpdate(file: string, points: Array<[number, number]>): void {
  for (let i = 0; i < points.length; i += 500) execFileSync("/usr/bin/whisper-update", [file, ...points.slice(i, i + 500).map(([t, v]) => `${t}:${v}`)], { stdio: "pipe" });
}

function whisperFetch(file: string, from: number, until: number): Fetched {
  return JSON.parse(execFileSync("/usr/bin/whisper-fetch", ["--json", `--from=${from}`, `--until=${until}`, file], { encoding: "utf8" })) as Fetched;
}

const value = (t: number, k: number): number => Math.round((Math.sin(t / 5000 + k) * 50 + 60) * 100) / 100;

/** 10 s points over the last 50 min, 1 min points from 70 min to 23 h ago, 1 h points from 25 h to 29 days ago. */
function fill3(file: string, k: number): void {
  const pts: Array<[number, number]> = [];
  const align = (t: number, s: number): number => t - (t % s);
  for (let t = align(NOW - 29 * 86400, 3600); t < NOW - 25 * 3600; t += 3600) pts.push([t, value(t, k)]);
  for (let t = align(NOW - 23 * 3600, 60); t < NOW - 70 * 60; t += 60) pts.push([t, value(t, k)]);
  for (let t = align(NOW - 50 * 60, 10); t < NOW - 20; t += 10) pts.push([t, value(t, k)]);
  whisperUpdate(file, pts);
}

function makeTree(root: string): string[] {
  const files = ["servers/web1/cpu/total/user.wsp", "servers/web1/cpu/total/system.wsp", "servers/web2/loadavg/01.wsp"];
  files.forEach((rel, k) => {
    const f = join(root, rel);
    if (k < 2) {
      whisperCreate(f, ["10s:1h", "1m:1d", "1h:30d"]);
      fill3(f, k);
    } else {
      whisperCreate(f, ["1m:1d", "1h:30d"]);
      const pts: Array<[number, number]> = [];
      for (let t = NOW - 20 * 86400 - ((NOW - 20 * 86400) % 3600); t < NOW - 25 * 3600; t += 3600) pts.push([t, value(t, 7)]);
      for (let t = NOW - 20 * 3600 - (NOW % 60); t < NOW - 60; t += 60) pts.push([t, value(t, 7)]);
      whisperUpdate(f, pts);
    }
  });
  return files;
}

test("whisper import: /render equals whisper-fetch over each archive's range; a second run adds nothing", async () => {
  const env = loupeEnv("loupe-imp-wsp-");
  const root = tempDir("loupe-wsp-tree-");
  const files = makeTree(root);
  const first = await loupe(["import", "whisper", root, "--config", env.configFile]);
  assert.equal(first.code, 0, first.err + first.out);
  assert.match(first.out, /whisper: 3\/3 files done/);
  const c1 = countsOf(first.out);
  assert.equal(c1.series, 3);
  assert.ok(c1.added > 2 * (300 + 1200 + 650), `added ${c1.added}`);
  const second = await loupe(["import", "whisper", root, "--config", env.configFile, "--state", join(env.dir, "other-state.json")]);
  assert.equal(second.code, 0, second.err);
  const c2 = countsOf(second.out);
  assert.equal(c2.added, 0, "a second run (without the first run's state) adds nothing");
  assert.equal(c2.alreadyStored, c1.added);

  const running = await startOn(env);
  try {
    let compared = 0;
    for (const rel of files) {
      const file = join(root, rel);
      const name = rel.slice(0, -4).split("/").join(".");
      const info = execFileSync("/usr/bin/whisper-info", [file], { encoding: "utf8" });
      const archives = [...info.matchAll(/secondsPerPoint: (\d+)\npoints: (\d+)/g)].map((m) => ({ step: Number(m[1]), retention: Number(m[1]) * Number(m[2]) }));
      let boundary = Infinity;
      for (const a of archives) {
        const now = Math.floor(Date.now() / 1000);
        // a little inside the archive's range: whisper-fetch reads its own clock, which may be a second later
        const from = now - a.retention + 30;
        const fetched = whisperFetch(file, from, now);
        assert.equal(fetched.step, a.step, "whisper-fetch reads the archive whose range was asked");
        const got = await render(running.httpPort, name, from, now);
        // this archive is the finest from its range's start up to the finer archive's (margins for the clock moving on)
        const inRegion = (t: number): boolean => t > from + 300 && t + a.step <= boundary - 300;
        const want = new Map<number, number>();
        fetched.values.forEach((v, i) => {
          const t = fetched.start + i * fetched.step;
          if (v !== null && inRegion(t)) want.set(t, v);
        });
        const have = new Map([...got].filter(([t]) => inRegion(t)));
        assert.ok(want.size > 10, `${name}, archive of ${a.step} s: only ${want.size} points to compare`);
        assert.deepEqual(have, want, `${name}, archive of ${a.step} s`);
        compared += want.size;
        boundary = Math.min(boundary, NOW - a.retention);
      }
    }
    assert.ok(compared > 4000, `compared ${compared} points`);
  } finally {
    await running.stop();
  }
});

test("whisper import: a run stopped by --limit resumes where it stopped, counting nothing twice", async () => {
  const env = loupeEnv("loupe-imp-wsp-resume-");
  const root = tempDir("loupe-wsp-tree-");
  makeTree(root);
  const part = await loupe(["import", "whisper", root, "--config", env.configFile, "--limit", "1"]);
  assert.equal(part.code, 0, part.err);
  assert.match(part.out, /1\/3 files done \(stopped early: run again to resume\)/);
  const rest = await loupe(["import", "whisper", root, "--config", env.configFile]);
  assert.match(rest.out, /3\/3 files done;/);
  const whole = loupeEnv("loupe-imp-wsp-whole-");
  const all = await loupe(["import", "whisper", root, "--config", whole.configFile]);
  const [a, b, w] = [countsOf(part.out), countsOf(rest.out), countsOf(all.out)];
  assert.equal(a.series + b.series, 3, "the resumed run imports only the files not done");
  assert.equal(a.added + b.added, w.added);
  assert.equal(b.alreadyStored, 0);
});

test("whisper import: a file that is not whisper is reported by name and the others are imported", async () => {
  const env = loupeEnv("loupe-imp-wsp-bad-");
  const root = tempDir("loupe-wsp-tree-");
  whisperCreate(join(root, "a/good.wsp"), ["1m:1d"]);
  whisperUpdate(join(root, "a/good.wsp"), [[NOW - 600 - (NOW % 60), 1.5]]);
  writeFileSync(join(root, "a/bad.wsp"), Buffer.alloc(40, 7));
  const r = await loupe(["import", "whisper", root, "--config", env.configFile]);
  assert.equal(r.code, 1);
  assert.match(r.err, /bad\.wsp: not a whisper file: archive count \d+ at byte 12/);
  assert.equal(countsOf(r.out).added, 1);
});

test("whisper import while Loupe runs: the lock is named with the way out, and --to sends through its /write", async () => {
  const env = loupeEnv("loupe-imp-wsp-live-");
  const root = tempDir("loupe-wsp-tree-");
  whisperCreate(join(root, "servers/web9/app/hits.wsp"), ["1m:1d"]);
  const t0 = NOW - 3600 - (NOW % 60);
  const pts: Array<[number, number]> = [];
  for (let t = t0; t < t0 + 1800; t += 60) pts.push([t, value(t, 3)]);
  whisperUpdate(join(root, "servers/web9/app/hits.wsp"), pts);
  const running = await startOn(env);
  try {
    const locked = await loupe(["import", "whisper", root, "--config", env.configFile]);
    assert.equal(locked.code, 1);
    assert.match(locked.err, /A running Loupe holds .*--to http:\/\/127\.0\.0\.1:\d+ --token/);
    const sent = await loupe(["import", "whisper", root, "--config", env.configFile, "--state", join(env.dir, "remote.json"), "--to", `http://127.0.0.1:${running.httpPort}`]);
    assert.equal(sent.code, 0, sent.err);
    assert.equal(countsOf(sent.out).added, pts.length);
    const got = await render(running.httpPort, "servers.web9.app.hits", t0 - 60, t0 + 1800);
    assert.deepEqual(got, new Map(pts));
  } finally {
    await running.stop();
  }
});
