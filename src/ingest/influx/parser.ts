/**
 * Influx line protocol, parsed from bytes:
 *
 *   measurement[,tag=value…] field=value[,field=value…] [timestamp]
 *
 * Escapes: `\,` and `\ ` in the measurement; `\,` `\=` `\ ` in tag keys, tag values and field
 * keys. Field values: float (`1`, `-1.5e3`), integer (`1i`), unsigned (`1u`), boolean
 * (`t`, `true`, `F`, `FALSE` …). A string field (`"…"`) is refused: Loupe stores numbers only.
 * Blank lines and `#` comments are skipped; CRLF is accepted. The timestamp is an integer in the
 * request's precision (ns by default) and becomes milliseconds; missing means now.
 *
 * Field `f` of measurement `m` becomes the series `m.f` with the line's tags. A bad line yields no
 * point at all and an error naming its line number; the lines around it still count.
 */
import type { Sample, Tags, UnixMs } from "../../model/index.js";
import { parseDecimal } from "../ascii-number.js";
import { DEFAULT_NAME_LIMITS, tooLong, type NameLimits, type RejectReason } from "../limits.js";

export type Precision = "ns" | "us" | "ms" | "s" | "m" | "h";

export interface LineError {
  /** 1-based line number in the body. */
  readonly line: number;
  readonly message: string;
  /** Set when the line broke an ingest limit (max_name_length, max_tags) rather than the syntax. */
  readonly reason?: RejectReason;
}

export interface LineProtocolResult {
  readonly samples: Sample[];
  readonly errors: LineError[];
  /** Lines that held a point (valid or not; blank and comment lines excluded). */
  readonly lines: number;
}

/** InfluxDB 1.x `precision=n|ns|u|us|µ|ms|s|m|h` and 2.x `ns|us|ms|s` → Precision. */
export function parsePrecision(text: string | undefined): Precision | undefined {
  switch (text) {
    case undefined:
    case "":
    case "n":
    case "ns":
      return "ns";
    case "u":
    case "us":
    case "µ":
    case "µs":
      return "us";
    case "ms":
      return "ms";
    case "s":
      return "s";
    case "m":
      return "m";
    case "h":
      return "h";
    default:
      return undefined;
  }
}

const NL = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const TAB = 0x09;
const COMMA = 0x2c;
const EQ = 0x3d;
const BS = 0x5c;
const QUOTE = 0x22;
const HASH = 0x23;

class LineFail {
  constructor(
    readonly message: string,
    readonly reason?: RejectReason,
  ) {}
}

/** Parses a whole body. `now` is used for lines without a timestamp. */
export function parseLineProtocol(buf: Buffer, precision: Precision, now: UnixMs, cache: SeriesKeyCache = new SeriesKeyCache(), limits: NameLimits = DEFAULT_NAME_LIMITS): LineProtocolResult {
  const samples: Sample[] = [];
  const errors: LineError[] = [];
  let lines = 0;
  let lineNo = 0;
  let ls = 0;
  const end = buf.length;
  const p = new LineParser(buf, precision, now, samples, cache, limits);
  while (ls < end) {
    let le = buf.indexOf(NL, ls);
    if (le < 0) le = end;
    lineNo++;
    let e = le;
    while (e > ls && (buf[e - 1] === CR || buf[e - 1] === SP || buf[e - 1] === TAB)) e--;
    let s = ls;
    while (s < e && (buf[s] === SP || buf[s] === TAB)) s++;
    if (s < e && buf[s] !== HASH) {
      lines++;
      const mark = samples.length;
      const err = p.line(s, e);
      if (err !== undefined) {
        samples.length = mark;
        errors.push(err.reason === undefined ? { line: lineNo, message: err.message } : { line: lineNo, message: err.message, reason: err.reason });
      }
    }
    ls = le + 1;
  }
  return { samples, errors, lines };
}

/** Parses one line of text (tests, fuzzing): its samples or its error. */
export function parseOneLine(text: string, precision: Precision = "ns", now: UnixMs = 0): { samples: Sample[]; error?: string } {
  const r = parseLineProtocol(Buffer.from(text), precision, now);
  const e = r.errors[0];
  return e === undefined ? { samples: r.samples } : { samples: r.samples, error: e.message };
}

interface SeriesEntry {
  readonly measurement: string;
  readonly tags: Tags | undefined;
  /** Raw field-key bytes → series name `measurement.field`. */
  readonly names: Map<string, string>;
}

/**
 * Remembers the parsed measurement + tags of recent series keys (by their raw bytes) and the
 * names built from them, so a series written again is one Map lookup instead of unescaping, tag
 * objects and string building. Share one per route; it empties itself beyond `max` keys.
 */
export class SeriesKeyCache {
  private readonly map = new Map<string, SeriesEntry>();
  constructor(private readonly max = 100_000) {}
  get(raw: string): SeriesEntry | undefined {
    return this.map.get(raw);
  }
  set(raw: string, e: SeriesEntry): void {
    if (this.map.size >= this.max) this.map.clear();
    this.map.set(raw, e);
  }
}

interface FastSlices {
  latin1Slice(start: number, end: number): string;
}

class LineParser {
  constructor(
    private readonly buf: Buffer,
    private readonly precision: Precision,
    private readonly now: UnixMs,
    private readonly out: Sample[],
    private readonly cache: SeriesKeyCache,
    private readonly limits: NameLimits,
  ) {}

  /** Parses buf[s, e); returns what was wrong or undefined. */
  line(s: number, e: number): LineFail | undefined {
    try {
      this.parse(s, e);
      return undefined;
    } catch (err) {
      if (err instanceof LineFail) return err;
      throw err;
    }
  }

  private parse(s: number, e: number): void {
    const buf = this.buf;
    // the series key (measurement + tags) ends at the first unescaped space
    let i = s;
    while (i < e) {
      const c = buf[i]!;
      if (c === BS && i + 1 < e) {
        i += 2;
        continue;
      }
      if (c === SP) break;
      i++;
    }
    const keyEnd = i;
    const raw = (buf as unknown as FastSlices).latin1Slice(s, keyEnd);
    let series = this.cache.get(raw);
    if (series === undefined) {
      series = this.seriesKey(s, keyEnd);
      this.cache.set(raw, series);
    }
    if (i >= e) throw new LineFail("missing fields");
    while (i < e && buf[i] === SP) i++;
    if (i >= e) throw new LineFail("missing fields");
    const measurement = series.measurement;
    const frozenTags = series.tags;
    const names = series.names;
    // fields
    const first = this.out.length;
    for (;;) {
      const ks = i;
      const ke = (i = scanKey(buf, i, e, true));
      if (ke === ks) throw new LineFail("empty field key");
      if (i >= e || buf[i] !== EQ) throw new LineFail("field without =");
      i++;
      const vs = i;
      if (i < e && buf[i] === QUOTE) throw new LineFail(`string field ${unescape(buf, ks, ke)} is not supported (numbers and booleans only)`);
      while (i < e && buf[i] !== COMMA && buf[i] !== SP) i++;
      const value = fieldValue(buf, vs, i);
      if (value === undefined) throw new LineFail(`bad value for field ${unescape(buf, ks, ke)}: "${buf.toString("utf8", vs, Math.min(i, vs + 40))}"`);
      const rawField = (buf as unknown as FastSlices).latin1Slice(ks, ke);
      let name = names.get(rawField);
      if (name === undefined) {
        name = `${measurement}.${unescape(buf, ks, ke)}`;
        if (tooLong(name, this.limits.maxNameBytes)) throw new LineFail(`series name longer than ${this.limits.maxNameBytes} bytes ([ingest.influx] max_name_length)`, "name_too_long");
        if (names.size < 1000) names.set(rawField, name);
      }
      this.out.push(frozenTags === undefined ? { name, ts: 0, value } : { name, tags: frozenTags, ts: 0, value });
      if (i < e && buf[i] === COMMA) {
        i++;
        continue;
      }
      break;
    }
    while (i < e && buf[i] === SP) i++;
    let ts = this.now;
    if (i < e) {
      ts = this.timestamp(i, e);
    }
    for (let k = first; k < this.out.length; k++) (this.out[k] as { ts: number }).ts = ts;
  }

  /** Measurement and tags of buf[s, e) (no unescaped space inside). */
  private seriesKey(s: number, e: number): SeriesEntry {
    const buf = this.buf;
    let i = s;
    let esc = false;
    while (i < e) {
      const c = buf[i]!;
      if (c === BS && i + 1 < e) {
        esc = true;
        i += 2;
        continue;
      }
      if (c === COMMA) break;
      if (c < 0x20 || c === 0x7f) throw new LineFail("control character in measurement");
      i++;
    }
    if (i === s) throw new LineFail("missing measurement");
    const measurement = esc ? unescape(buf, s, i) : buf.toString("utf8", s, i);
    if (measurement.startsWith("#")) throw new LineFail("measurement may not begin with #");
    let tags: Record<string, string> | undefined;
    let count = 0;
    while (i < e) {
      // buf[i] is a comma here
      i++;
      const ks = i;
      const ke = (i = scanKey(buf, i, e, true));
      if (ke === ks) throw new LineFail("empty tag key");
      if (i >= e || buf[i] !== EQ) throw new LineFail("tag without =");
      i++;
      const vs = i;
      const ve = (i = scanKey(buf, i, e, false));
      if (ve === vs) throw new LineFail("empty tag value");
      tags ??= {};
      const key = unescape(buf, ks, ke);
      const value = unescape(buf, vs, ve);
      if (tooLong(key, this.limits.maxNameBytes) || tooLong(value, this.limits.maxNameBytes))
        throw new LineFail(`tag key or value longer than ${this.limits.maxNameBytes} bytes ([ingest.influx] max_name_length)`, "name_too_long");
      tags[key] = value;
      if (++count > this.limits.maxTags) throw new LineFail(`more than ${this.limits.maxTags} tags ([ingest.influx] max_tags)`, "too_many_tags");
    }
    return { measurement, tags: tags === undefined ? undefined : Object.freeze(tags), names: new Map() };
  }

  private timestamp(s: number, e: number): UnixMs {
    const buf = this.buf;
    let i = s;
    let neg = false;
    if (buf[i] === 0x2d) {
      neg = true;
      i++;
    }
    if (i >= e) throw new LineFail("bad timestamp");
    for (let k = i; k < e; k++) {
      const c = buf[k]!;
      if (c < 0x30 || c > 0x39) throw new LineFail("bad timestamp");
    }
    const drop = this.precision === "ns" ? 6 : this.precision === "us" ? 3 : 0;
    const n = e - i;
    if (n - drop > 16) throw new LineFail("timestamp out of range");
    let v = 0;
    for (let k = i; k < e - drop; k++) v = v * 10 + (buf[k]! - 0x30);
    if (this.precision === "s") v *= 1000;
    else if (this.precision === "m") v *= 60_000;
    else if (this.precision === "h") v *= 3_600_000;
    if (v > 8.64e15) throw new LineFail("timestamp out of range");
    return neg ? -v : v;
  }
}

/** End of a tag key/value or field key: unescaped `,`, `=` (keys only… values stop at `,`/space). */
function scanKey(buf: Buffer, i: number, e: number, key: boolean): number {
  while (i < e) {
    const c = buf[i]!;
    if (c === BS && i + 1 < e) {
      i += 2;
      continue;
    }
    if (c === COMMA || c === SP || (c === EQ && key)) return i;
    if (c === EQ) throw new LineFail("unescaped = in tag value");
    if (c < 0x20 || c === 0x7f) throw new LineFail("control character");
    i++;
  }
  return i;
}

function unescape(buf: Buffer, s: number, e: number): string {
  let has = false;
  for (let i = s; i < e; i++)
    if (buf[i] === BS) {
      has = true;
      break;
    }
  if (!has) return buf.toString("utf8", s, e);
  const parts: number[] = [];
  for (let i = s; i < e; i++) {
    const c = buf[i]!;
    if (c === BS && i + 1 < e) {
      const n = buf[i + 1]!;
      if (n === COMMA || n === EQ || n === SP) {
        parts.push(n);
        i++;
        continue;
      }
    }
    parts.push(c);
  }
  return Buffer.from(parts).toString("utf8");
}

function fieldValue(buf: Buffer, s: number, e: number): number | undefined {
  if (s >= e) return undefined;
  const last = buf[e - 1]!;
  if (last === 0x69 /* i */ || last === 0x75 /* u */) {
    for (let k = s; k < e - 1; k++) {
      const c = buf[k]!;
      if ((c < 0x30 || c > 0x39) && !(k === s && c === 0x2d && last === 0x69)) return undefined;
    }
    if (e - 1 === s || (e - 2 === s && buf[s] === 0x2d)) return undefined;
    const v = parseDecimal(buf, s, e - 1);
    return Number.isFinite(v) ? v : undefined;
  }
  const c0 = buf[s]!;
  if (c0 === 0x74 || c0 === 0x54 || c0 === 0x66 || c0 === 0x46) {
    const word = buf.toString("latin1", s, e);
    switch (word) {
      case "t":
      case "T":
      case "true":
      case "True":
      case "TRUE":
        return 1;
      case "f":
      case "F":
      case "false":
      case "False":
      case "FALSE":
        return 0;
      default:
        return undefined;
    }
  }
  const v = parseDecimal(buf, s, e);
  return Number.isFinite(v) ? v : undefined;
}
