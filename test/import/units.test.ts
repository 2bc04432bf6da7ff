/** The pure parts of the importers: whisper bytes, series names, line protocol clean-up, progress. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mergeArchives, parseWhisperHeader } from "../../src/import/whisper-format.js";
import { whisperSeriesName } from "../../src/import/whisper.js";
import { dropStringFields, readExportComment, type ExportContext } from "../../src/import/influx-line.js";
import { toLineProtocol } from "../../src/import/destination.js";
import { newCounts, Progress } from "../../src/import/progress.js";

/** A whisper file: archives as [secondsPerPoint, points], slots as [archive, timestamp, value]. */
function whisperBytes(archives: Array<[number, number]>, slots: Array<[number, number, number]>): Uint8Array {
  const size = 16 + archives.length * 12 + archives.reduce((n, [, p]) => n + p * 12, 0);
  const v = new DataView(new ArrayBuffer(size));
  v.setUint32(0, 1);
  v.setUint32(4, Math.max(...archives.map(([s, p]) => s * p)));
  v.setFloat32(8, 0.5);
  v.setUint32(12, archives.length);
  let off = 16 + archives.length * 12;
  const offsets: number[] = [];
  archives.forEach(([s, p], i) => {
    v.setUint32(16 + i * 12, off);
    v.setUint32(20 + i * 12, s);
    v.setUint32(24 + i * 12, p);
    offsets.push(off);
    off += p * 12;
  });
  for (const [a, t, val] of slots) {
    const [s, p] = archives[a]!;
    const at = offsets[a]! + ((t / s) % p) * 12;
    v.setUint32(at, t);
    v.setFloat64(at + 4, val);
  }
  return new Uint8Array(v.buffer);
}

test("whisper: archives merge finest first; stale ring slots and points past retention are left out", () => {
  const now = 1_000_000 - (1_000_000 % 3600);
  const buf = whisperBytes(
    [[60, 60], [3600, 24]],
    [
      [0, now - 120, 1], // fine, inside the minute archive
      [0, now - 180 - 60 * 60, 99], // a stale slot from an earlier lap (older than the ring)
      [1, now - 3600, 2], // hour overlapping the minute archive: the minute archive wins
      [1, now - 7200, 3], // hour ending exactly where the minute archive begins
      [1, now - 3600 * 30, 4], // past the hour archive's retention (24 h)
    ],
  );
  const h = parseWhisperHeader(buf, "x.wsp");
  assert.equal(h.aggregation, "average");
  assert.deepEqual(h.archives.map((a) => a.retention), [3600, 86400]);
  const m = mergeArchives(buf, h, now);
  assert.deepEqual(m.ts, [(now - 7200) * 1000, (now - 120) * 1000]);
  assert.deepEqual(m.values, [3, 1]);
});

test("whisper: a damaged file is refused naming the file and what is wrong", () => {
  const good = whisperBytes([[60, 10]], []);
  assert.throws(() => parseWhisperHeader(good.subarray(0, 20), "a.wsp"), /a\.wsp: not a whisper file: 1 archives announced, but the file ends inside their headers/);
  assert.throws(() => parseWhisperHeader(good.subarray(0, 60), "b.wsp"), /b\.wsp: not a whisper file: archive 0 \(10 points from byte 28\) runs past the end/);
  assert.throws(() => parseWhisperHeader(new Uint8Array(8), "c.wsp"), /c\.wsp: not a whisper file: 8 bytes, shorter than the 16-byte header/);
});

test("whisper: series names from paths, with a prefix", () => {
  assert.equal(whisperSeriesName("servers/web1/cpu/total/user.wsp", ""), "servers.web1.cpu.total.user");
  assert.equal(whisperSeriesName("web1/load.wsp", "old."), "old.web1.load");
});

test("line protocol: string fields are taken out of a line, numbers kept", () => {
  const cases: Array<[string, string | undefined]> = [
    ['m,h=a x=1,s="a, b=c",y=2i 10', "m,h=a x=1,y=2i 10"],
    ['m,h=a\\ b s="only" 10', undefined],
    ['m s="q\\"x",x=1', "m x=1"],
  ];
  for (const [line, want] of cases) assert.equal(dropStringFields(line)?.line, want, line);
});

test("export comments set the section and context", () => {
  const ctx: ExportContext = { section: "header", database: undefined, retentionPolicy: undefined };
  for (const l of ["# DDL", "# DML", "# CONTEXT-DATABASE:telegraf", "# CONTEXT-RETENTION-POLICY:autogen", "# writing tsm data"]) readExportComment(l, ctx);
  assert.deepEqual(ctx, { section: "dml", database: "telegraf", retentionPolicy: "autogen" });
});

test("--to: a series becomes line protocol that Loupe's /write maps back to the same name and tags", () => {
  assert.equal(toLineProtocol({ key: "a.b c.d;host=x y", ts: [1000, 2000], values: [1.5, NaN] }), "a.b\\ c,host=x\\ y d=1.5 1000");
  assert.throws(() => toLineProtocol({ key: "nodot", ts: [1], values: [1] }), /needs a dot/);
});

test("progress: a bar redrawn in place on a terminal, plain lines elsewhere", () => {
  let tty = "";
  const bar = new Progress({ write: (t) => (tty += t), isTTY: true }, "files");
  const c = { ...newCounts(), done: 5, total: 10, added: 42 };
  bar.update(c);
  bar.end();
  assert.match(tty, /^\r\x1b\[K\[#{15}\.{15}\]  50% 5\/10 files, 42 points/);
  assert.ok(tty.endsWith("\n"));
  let plain = "";
  const lines = new Progress({ write: (t) => (plain += t), isTTY: false }, "files");
  lines.update(c);
  lines.update(c); // within the interval: nothing
  assert.equal(plain, "progress: 5/10 files; series 0, points added 42, already stored 0, skipped 0, refused 0\n");
});
