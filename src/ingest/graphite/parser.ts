/**
 * Graphite plaintext protocol, parsed straight from bytes: `path value [timestamp]\n`, fields
 * separated by spaces or tabs, CRLF accepted, `-1` or a missing timestamp meaning "now", the
 * timestamp in seconds (fractions allowed) or, when ≥ 1e11, already in milliseconds. No I/O, no
 * per-line string other than the path itself, no regular expression.
 *
 * A line that does not fit (missing value, value not a finite number, extra fields, control bytes
 * in the path, bad timestamp) is reported to `invalid` and yields no point; blank lines are
 * ignored, and so is a `nan` value (collectd sends one for a rate it cannot know yet; carbon drops
 * them the same way).
 */
import type { UnixMs } from "../../model/index.js";
import { parseDecimal } from "../ascii-number.js";

export interface GraphiteRowHandler {
  /**
   * One valid line. `path` may carry Graphite tags (`name;k=v`); the handler maps it. `slot` is the
   * path's entry in `paths` (see PathInterner.refs), -1 when the path was not interned.
   */
  row(path: string, value: number, ts: UnixMs, slot: number): void;
  /** One malformed line: buf[start, end) without its line ending. */
  invalid(buf: Buffer, start: number, end: number, reason: string): void;
  /** Optional: hands back the same string object for the same path bytes (fewer allocations, hashes cached). */
  readonly paths?: PathInterner;
}

/**
 * Remembers recent ASCII paths by a hash of their bytes, so a series sent every tick reuses one
 * string instead of allocating a new one per line; the store's Map lookups then find its hash
 * already computed. Open addressing over at most PROBES neighbouring entries (each with its hash,
 * compared first); when all are taken by other paths the first is replaced. (Direct-mapped, 7 % of
 * 10,000 paths kept evicting each other every tick: a new string and a store lookup each time.)
 *
 * Each entry also carries one integer for its owner (`refs[slot]`, 0 when unset; the Graphite
 * handler keeps the store's series id + 1 there), reset to 0 whenever the entry's path changes.
 */
const PROBES = 4;

export class PathInterner {
  private readonly table: Array<string | undefined>;
  private readonly hashes: Int32Array;
  private readonly mask: number;
  /** Per entry: the owner's integer for the path held there; 0 = none. */
  readonly refs: Int32Array;
  /** Entry of the path the last intern() returned. */
  lastSlot = -1;

  constructor(bits = 17) {
    this.table = new Array<string | undefined>(1 << bits).fill(undefined);
    this.refs = new Int32Array(1 << bits);
    this.hashes = new Int32Array(1 << bits);
    this.mask = (1 << bits) - 1;
  }

  intern(buf: Buffer, s: number, e: number, hash: number): string {
    const h = hash | 0;
    const mask = this.mask;
    const table = this.table;
    const base = (h ^ (h >>> 15)) & mask;
    const n = e - s;
    let idx = base; // where a new string goes: the first free entry, else (all taken) the first
    for (let p = 0; p < PROBES; p++) {
      const at = (base + p) & mask;
      const cur = table[at];
      if (cur === undefined) {
        idx = at;
        break;
      }
      if (this.hashes[at] === h && cur.length === n) {
        let k = 0;
        while (k < n && cur.charCodeAt(k) === buf[s + k]) k++;
        if (k === n) {
          this.lastSlot = at;
          return cur;
        }
      }
    }
    const str = (buf as unknown as FastSlices).latin1Slice(s, e);
    table[idx] = str;
    this.hashes[idx] = h;
    this.refs[idx] = 0;
    this.lastSlot = idx;
    return str;
  }
}

/** Timestamps at or above this are taken as milliseconds (1e11 s is the year 5138). */
export const MS_THRESHOLD = 1e11;

const NL = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const TAB = 0x09;

const isSpace = (c: number): boolean => c === SP || c === TAB || c === CR;
const isSep = (c: number): boolean => c === SP || c === TAB;

/**
 * Parses the complete lines of buf[start, end). With `final` false the bytes after the last
 * newline are left alone (the caller keeps them for the next packet); with `final` true they are
 * parsed as a last line. Returns the offset of the first byte not consumed.
 *
 * The loop's `fast:` block is the fast path, one pass: `path value [ts]` of plain ASCII, separated
 * by spaces or tabs, ending in LF or CRLF. Anything else (blank lines, leading blanks, control or
 * non-ASCII bytes, invalid numbers, nan, an unterminated last line) breaks out to parseLine, which
 * has the full rules. The hot path is one function on purpose (issue 11, measured): as a function
 * of its own the fast path is too big for V8 to inline and the call per line cost 2–9 % of
 * lines/s; splitting out only the fallback could not be shown to cost under 3 % on a loaded
 * machine (interned paths: median 0.94 of this form over 40 paired runs, A/A noise ±6 %).
 */
export function parseGraphite(buf: Buffer, start: number, end: number, now: UnixMs, h: GraphiteRowHandler, final = false): number {
  let ls = start;
  const paths = h.paths;
  while (ls < end) {
    fast: {
      let i = ls;
      let c = buf[i]!;
      if (c <= SP || c >= 0x7f) break fast;
      let hash = 0x811c9dc5;
      for (;;) {
        hash = Math.imul(hash ^ c, 0x01000193);
        if (++i === end) break fast;
        c = buf[i]!;
        if (c <= SP || c >= 0x7f) break;
      }
      if (c !== SP && c !== TAB) break fast;
      const pe = i;
      do if (++i === end) break fast;
      while ((c = buf[i]!) === SP || c === TAB);
      // a value or timestamp of at most 15 plain digits is read while it is scanned (the exact
      // integer parseDecimal would return); anything else goes through parseDecimal
      const vs = i;
      let iv = 0;
      let plain = true;
      while (c > SP) {
        const d = (c - 0x30) >>> 0;
        if (d < 10) iv = iv * 10 + d;
        else plain = false;
        if (++i === end) break fast;
        c = buf[i]!;
      }
      const value = plain && i > vs && i - vs <= 15 ? iv : parseDecimal(buf, vs, i);
      if (!Number.isFinite(value)) break fast;
      while (c === SP || c === TAB) {
        if (++i === end) break fast;
        c = buf[i]!;
      }
      let ts = now;
      if (c > SP) {
        const ts0 = i;
        let it = 0;
        let tplain = true;
        while (c > SP) {
          const d = (c - 0x30) >>> 0;
          if (d < 10) it = it * 10 + d;
          else tplain = false;
          if (++i === end) break fast;
          c = buf[i]!;
        }
        const t = tplain && i - ts0 <= 15 ? it : parseDecimal(buf, ts0, i);
        if (t === -1) ts = now;
        else if (!(t >= 0) || t > 1e16) break fast;
        else ts = t >= MS_THRESHOLD ? Math.trunc(t) : Math.round(t * 1000);
        while (c === SP || c === TAB) {
          if (++i === end) break fast;
          c = buf[i]!;
        }
      }
      if (c === CR) {
        if (++i === end) break fast;
        c = buf[i]!;
      }
      if (c !== NL) break fast;
      if (paths !== undefined) h.row(paths.intern(buf, ls, pe, hash), value, ts, paths.lastSlot);
      else h.row((buf as unknown as FastSlices).latin1Slice(ls, pe), value, ts, -1);
      ls = i + 1;
      continue;
    }
    let le = buf.indexOf(NL, ls);
    if (le < 0 || le >= end) {
      if (!final) return ls;
      le = end;
    }
    parseLine(buf, ls, le, now, h);
    ls = le + 1;
  }
  return end;
}

/** Parses one line buf[ls, le) (no newline inside). Exported for tests and the fuzzer. */
export function parseLine(buf: Buffer, ls: number, le: number, now: UnixMs, h: GraphiteRowHandler): void {
  let i = ls;
  // trailing CR and blanks
  let e = le;
  while (e > i && isSpace(buf[e - 1]!)) e--;
  while (i < e && isSpace(buf[i]!)) i++;
  if (i === e) return; // blank line
  const ps = i;
  let high = false;
  let hash = 0x811c9dc5;
  while (i < e) {
    const c = buf[i]!;
    if (c === SP || c === TAB) break;
    if (c < 0x20 || c === 0x7f) return h.invalid(buf, ls, trimCr(buf, le), "control character in path");
    if (c >= 0x80) high = true;
    hash = Math.imul(hash ^ c, 0x01000193);
    i++;
  }
  const pe = i;
  while (i < e && isSep(buf[i]!)) i++;
  if (i === e) return h.invalid(buf, ls, trimCr(buf, le), "missing value");
  const vs = i;
  while (i < e && buf[i] !== SP && buf[i] !== TAB) i++;
  const value = parseDecimal(buf, vs, i);
  // collectd sends "nan" for a rate it cannot know yet; carbon drops those silently, so do we
  const skip = !Number.isFinite(value) && isNan(buf, vs, i);
  if (!Number.isFinite(value) && !skip) return h.invalid(buf, ls, trimCr(buf, le), "value is not a finite number");
  while (i < e && isSep(buf[i]!)) i++;
  let ts: number;
  if (i === e) ts = now;
  else {
    const ts0 = i;
    while (i < e && buf[i] !== SP && buf[i] !== TAB) i++;
    if (i !== e) return h.invalid(buf, ls, trimCr(buf, le), "too many fields");
    const t = parseDecimal(buf, ts0, i);
    if (t === -1) ts = now;
    else if (!(t >= 0) || t > 1e16) return h.invalid(buf, ls, trimCr(buf, le), "bad timestamp");
    else ts = t >= MS_THRESHOLD ? Math.trunc(t) : Math.round(t * 1000);
  }
  if (skip) return;
  const paths = h.paths;
  if (high) h.row(buf.toString("utf8", ps, pe), value, ts, -1);
  else if (paths !== undefined) h.row(paths.intern(buf, ps, pe, hash), value, ts, paths.lastSlot);
  else h.row((buf as unknown as FastSlices).latin1Slice(ps, pe), value, ts, -1);
}

/** `nan`, any case, optionally signed. */
function isNan(buf: Buffer, s: number, e: number): boolean {
  if (e - s === 4 && (buf[s] === 0x2d || buf[s] === 0x2b)) s++;
  return e - s === 3 && (buf[s]! | 0x20) === 0x6e && (buf[s + 1]! | 0x20) === 0x61 && (buf[s + 2]! | 0x20) === 0x6e;
}

/** An invalid line is never empty, so buf[le - 1] is inside it. */
function trimCr(buf: Buffer, le: number): number {
  return buf[le - 1] === CR ? le - 1 : le;
}

/** Node's undocumented-but-stable slice methods, faster than toString(encoding, s, e) for short ASCII runs. */
export interface FastSlices {
  latin1Slice(start: number, end: number): string;
}
