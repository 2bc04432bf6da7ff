/**
 * Fuzzing both parsers with ≥ 100,000 random and mutated inputs each (seeded, so a failure can be
 * replayed): no crash, no hang (the whole run is bounded by the test timeout), no point from an
 * invalid line, and the valid lines around an invalid one still give their points.
 *
 * Graphite is checked against an independent, slow reference (regular expressions over strings);
 * the line protocol against lines whose validity is known by construction, plus a consistency
 * check for random mutations (a line's points in a body are exactly its points parsed alone, and a
 * line with an error gives none). Two smaller runs then go through the real store: every valid line
 * around a bad one is stored, and every stored series comes from a valid line.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseGraphite, GraphiteIngest, GraphiteStream, TemplateMapper, type GraphiteRowHandler } from "../../src/ingest/graphite/index.js";
import { parseLineProtocol, SeriesKeyCache } from "../../src/ingest/influx/index.js";
import { FakeClock, systemClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import { seriesKey } from "../../src/model/index.js";
import { tempDir } from "../helpers/tmp.js";
import { openTestStore } from "./test-store.js";
import type { Sample } from "../../src/model/index.js";
import { seededRandom } from "../helpers/rng.js";

const N = 100_000;
const NOW = 1_750_000_000_000;
const SEED = Number(process.env["FUZZ_SEED"] ?? 20261125);

const rng = seededRandom;

const ALPHABET = "abcxyz019._-;=, \t\r\"\\#eE+-.i ut fnaN";

function mutate(r: () => number, line: string): string {
  const b = Buffer.from(line);
  const out: number[] = [...b];
  const n = 1 + Math.floor(r() * 3);
  for (let k = 0; k < n; k++) {
    const op = Math.floor(r() * 4);
    const at = Math.floor(r() * (out.length + 1));
    if (op === 0 && out.length > 0) out.splice(Math.min(at, out.length - 1), 1);
    else if (op === 1) out.splice(at, 0, ALPHABET.charCodeAt(Math.floor(r() * ALPHABET.length)));
    else if (op === 2 && out.length > 0) out[Math.min(at, out.length - 1)] = Math.floor(r() * 256);
    else out.splice(at, 0, ...Buffer.from(line.slice(0, Math.floor(r() * line.length))));
  }
  // a line is a line: no newline inside
  return Buffer.from(out.filter((c) => c !== 0x0a)).toString("latin1");
}

function randomBytes(r: () => number): string {
  const len = Math.floor(r() * 40);
  let s = "";
  for (let i = 0; i < len; i++) s += r() < 0.7 ? ALPHABET[Math.floor(r() * ALPHABET.length)] : String.fromCharCode(Math.floor(r() * 256));
  return s.replace(/\n/g, "");
}

// ---- Graphite ----

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The reference: what a line must give (undefined: invalid, null: blank). */
function graphiteOracle(lineBytes: Buffer): { path: string; value: number; ts: number } | undefined | null {
  const text = lineBytes.toString("latin1").replace(/^[ \t\r]+|[ \t\r]+$/g, "");
  if (text === "") return null;
  const tok = text.split(/[ \t]+/);
  if (tok.length < 2 || tok.length > 3) return undefined;
  const [p, v, t] = tok as [string, string, string | undefined];
  if (/[\x00-\x1f\x7f]/.test(p)) return undefined;
  const nan = /^[+-]?nan$/i.test(v);
  if (!nan && (!DECIMAL.test(v) || !Number.isFinite(Number(v)))) return undefined;
  let ts = NOW;
  if (t !== undefined) {
    if (!DECIMAL.test(t)) return undefined;
    const n = Number(t);
    if (n === -1) ts = NOW;
    else if (!(n >= 0) || n > 1e16) return undefined;
    else ts = n >= 1e11 ? Math.trunc(n) : Math.round(n * 1000);
  }
  if (nan) return null;
  const start = lineBytes.indexOf(p.charCodeAt(0));
  const path = Buffer.from(lineBytes.subarray(start, start + Buffer.byteLength(p, "latin1"))).toString("utf8");
  return { path, value: Number(v), ts };
}

function validGraphite(r: () => number, tag: string): string {
  const v = [String(Math.floor(r() * 1000)), (r() * 100 - 50).toFixed(3), `${(r() * 9).toFixed(1)}e${Math.floor(r() * 10) - 5}`][Math.floor(r() * 3)]!;
  const ts = [" 1700000000", " -1", "", " 1700000000123"][Math.floor(r() * 4)]!;
  return `fz.${tag}.m${Math.floor(r() * 100)} ${v}${ts}${r() < 0.2 ? "\r" : ""}`;
}

test(`graphite parser: ${N} random and mutated inputs`, () => {
  const r = rng(SEED);
  let checked = 0;
  let invalidSeen = 0;
  for (let k = 0; k < N; k++) {
    const before = validGraphite(r, "before");
    const after = validGraphite(r, "after");
    const junk = r() < 0.5 ? mutate(r, validGraphite(r, "mid")) : randomBytes(r);
    const body = Buffer.from(`${before}\n${junk}\n${after}${r() < 0.5 ? "\n" : ""}`, "latin1");
    const rows: Array<{ path: string; value: number; ts: number }> = [];
    let invalid = 0;
    const h: GraphiteRowHandler = { row: (path, value, ts) => rows.push({ path, value, ts }), invalid: () => invalid++ };
    // half the inputs go through the stream parser in random packets
    if (r() < 0.5) {
      const s = new GraphiteStream(h, new FakeClock(NOW));
      let at = 0;
      while (at < body.length) {
        const n = 1 + Math.floor(r() * 20);
        s.push(body.subarray(at, at + n));
        at += n;
      }
      s.end();
    } else parseGraphite(body, 0, body.length, NOW, h, true);

    const want = [before, junk, after].map((l) => graphiteOracle(Buffer.from(l, "latin1")));
    const expected = want.filter((w): w is { path: string; value: number; ts: number } => w !== null && w !== undefined);
    assert.deepEqual(rows, expected, `seed ${SEED} input ${k}: ${JSON.stringify(body.toString("latin1"))}`);
    assert.equal(invalid, want.filter((w) => w === undefined).length, `seed ${SEED} input ${k}: invalid count`);
    if (want[1] === undefined) invalidSeen++;
    checked++;
  }
  assert.equal(checked, N);
  assert.ok(invalidSeen > N / 4, `enough invalid lines exercised (${invalidSeen})`);
});

// ---- Influx line protocol ----

function validLp(r: () => number, m: string): { line: string; samples: Array<[string, number]> } {
  const tags = r() < 0.5 ? `,host=h${Math.floor(r() * 9)}${r() < 0.3 ? ",k\\ x=v\\,y" : ""}` : "";
  const nf = 1 + Math.floor(r() * 3);
  const fields: string[] = [];
  const samples: Array<[string, number]> = [];
  for (let i = 0; i < nf; i++) {
    const kind = Math.floor(r() * 3);
    const n = Math.floor(r() * 1000) - 500;
    const [text, v] = kind === 0 ? [`${n}i`, n] : kind === 1 ? [`${n / 4}`, n / 4] : r() < 0.5 ? ["true", 1] : ["F", 0];
    fields.push(`f${i}=${text}`);
    samples.push([`${m}.f${i}`, v]);
  }
  return { line: `${m}${tags} ${fields.join(",")}${r() < 0.5 ? " 1700000000000000000" : ""}`, samples };
}

const INVALID_LP = [
  (m: string) => `${m} s="a string"`,
  (m: string) => `${m}`,
  (m: string) => `${m} f=`,
  (m: string) => `${m} f=1.5i`,
  (m: string) => `${m},t= f=1`,
  (m: string) => `${m} f=1 12x`,
  (m: string) => `${m} =1`,
  (m: string) => `${m} f=1,g="x"`,
  (m: string) => `${m} f=nope 1`,
];

test(`line-protocol parser: ${N} random and mutated inputs`, () => {
  const r = rng(SEED + 1);
  const cache = new SeriesKeyCache(5000); // shared across inputs, as the /write route shares one
  let mutants = 0;
  for (let k = 0; k < N; k++) {
    const a = validLp(r, "before");
    const b = validLp(r, "after");
    const kind = r();
    let mid: string;
    let midKnownInvalid = false;
    if (kind < 0.3) {
      mid = INVALID_LP[Math.floor(r() * INVALID_LP.length)]!("middle");
      midKnownInvalid = true;
    } else if (kind < 0.7) mid = mutate(r, validLp(r, "middle").line);
    else mid = randomBytes(r);
    const body = Buffer.from(`${a.line}\n${mid}\r\n${b.line}`, "latin1");
    const res = parseLineProtocol(body, "ns", NOW, cache);
    for (const s of res.samples) assert.ok(Number.isFinite(s.value) && Number.isFinite(s.ts), `finite: ${JSON.stringify(s)}`);
    const named = (prefix: string): Array<[string, number]> => res.samples.filter((s: Sample) => s.name.startsWith(`${prefix}.`)).map((s) => [s.name, s.value]);
    assert.deepEqual(named("before"), a.samples, `input ${k}: line before`);
    assert.deepEqual(named("after"), b.samples, `input ${k}: line after`);
    assert.ok(res.errors.every((e) => e.line === 2), `input ${k}: only line 2 may fail: ${JSON.stringify(res.errors)}`);
    const alone = parseLineProtocol(Buffer.from(mid, "latin1"), "ns", NOW);
    if (midKnownInvalid) {
      assert.equal(res.errors.length, 1, `input ${k}: invalid line reported: ${mid}`);
      assert.equal(alone.samples.length, 0);
    } else mutants++;
    if (alone.errors.length > 0) assert.equal(alone.samples.length, 0, `input ${k}: no point from a bad line: ${JSON.stringify(mid)}`);
    // the middle line's points in the body are exactly its points alone
    const midSamples = res.samples.slice(a.samples.length, res.samples.length - b.samples.length);
    assert.deepEqual(midSamples, alone.samples, `input ${k}: ${JSON.stringify(mid)}`);
  }
  assert.ok(mutants > N / 2);
});

// ---- the same, through the real store ----

const N_STORE = 3_000;

test(`graphite through the store: ${N_STORE} mixed inputs, valid lines stored, nothing from invalid ones`, async () => {
  const store = await openTestStore(tempDir("loupe-fuzz-g-"));
  try {
    const r = rng(SEED + 2);
    const nowS = Math.floor(Date.now() / 1000) - 600;
    const mapper = TemplateMapper.fromConfig([], []);
    const allowed = new Set<string>(); // keys any oracle-valid line may create
    const must = new Map<string, number>(); // before/after lines: key → value
    let text = "";
    for (let k = 0; k < N_STORE; k++) {
      const before = `fzs.before.k${k} ${k} ${nowS}`;
      const after = `fzs.after.k${k} ${-(k + 1)} ${nowS}`;
      const junk = r() < 0.5 ? mutate(r, `fzs.mid.k${k} ${(r() * 100).toFixed(2)} ${nowS}`) : randomBytes(r);
      for (const line of [before, junk, after]) {
        const o = graphiteOracle(Buffer.from(line, "latin1"));
        if (o === null || o === undefined) continue;
        const m = mapper.map(o.path);
        allowed.add(seriesKey(m.name, m.tags));
      }
      must.set(`fzs.before.k${k}`, k);
      must.set(`fzs.after.k${k}`, -(k + 1));
      text += `${before}\n${junk}\n${after}\n`;
    }
    const ingest = new GraphiteIngest({ sink: store, mapper, clock: systemClock, log: silentLogger, selfInterval: 0 });
    const stream = ingest.stream("fuzz");
    const body = Buffer.from(text, "latin1");
    for (let at = 0; at < body.length; ) {
      const n = 1 + Math.floor(r() * 4000);
      stream.push(body.subarray(at, at + n));
      at += n;
    }
    stream.end();
    await ingest.close();
    assert.equal(ingest.counts.refused, 0, "the store took every batch");
    for (const [key, value] of must) {
      const s = store.getSeries(key);
      assert.ok(s, `${key} stored`);
      assert.deepEqual(store.readRaw(s.id, 0, Date.now() + 3_600_000).map((p) => p.value), [value], key);
    }
    for (const { series } of store.latest()) assert.ok(allowed.has(series.key), `stored series ${JSON.stringify(series.key)} comes from a valid line`);
  } finally {
    await store.close();
  }
});

test(`line protocol through the store: ${N_STORE} mixed bodies, valid lines stored, nothing from invalid ones`, async () => {
  const store = await openTestStore(tempDir("loupe-fuzz-lp-"));
  try {
    const r = rng(SEED + 3);
    const nowNs = `${Math.floor(Date.now() / 1000) - 600}000000000`;
    const cache = new SeriesKeyCache();
    const pending: Sample[] = [];
    for (let k = 0; k < N_STORE; k++) {
      const kind = r();
      const mid = kind < 0.4 ? INVALID_LP[Math.floor(r() * INVALID_LP.length)]!(`bad${k}`) : kind < 0.7 ? mutate(r, `mid${k},h=x f=1 ${nowNs}`) : randomBytes(r);
      const body = Buffer.from(`before${k},h=a f=${k} ${nowNs}\n${mid}\nafter${k} g=${-(k + 1)}i ${nowNs}\n`, "latin1");
      pending.push(...parseLineProtocol(body, "ns", Date.now(), cache).samples);
      if (pending.length > 2000 || k === N_STORE - 1) {
        await store.write(pending);
        pending.length = 0;
      }
    }
    for (let k = 0; k < N_STORE; k++) {
      const b = store.getSeries(`before${k}.f;h=a`);
      const a = store.getSeries(`after${k}.g`);
      assert.ok(b && a, `line ${k}: the lines around the middle one are stored`);
      assert.deepEqual(store.readRaw(b.id, 0, Date.now() + 3_600_000).map((p) => p.value), [k]);
      assert.deepEqual(store.readRaw(a.id, 0, Date.now() + 3_600_000).map((p) => p.value), [-(k + 1)]);
    }
    for (const { series } of store.latest()) assert.ok(!series.name.startsWith("bad"), `no point from an invalid line: ${series.key}`);
  } finally {
    await store.close();
  }
});
