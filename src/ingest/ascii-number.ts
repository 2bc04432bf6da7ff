/**
 * Decimal numbers read straight from bytes, without making a string: the hot path of every text
 * protocol. Grammar: [+-] digits [. digits] [(e|E) [+-] digits], at least one digit in the
 * mantissa. Up to 15 significant digits and a power of ten within ±22, one exact IEEE operation
 * gives the correctly rounded result (Clinger's fast path); anything longer falls back to Number()
 * on the already validated text. Returns NaN for anything outside the grammar.
 */

const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

const enum Ch {
  Plus = 0x2b,
  Minus = 0x2d,
  Dot = 0x2e,
  Zero = 0x30,
  Nine = 0x39,
  E = 0x45,
  e = 0x65,
}

/** Parses buf[start, end) as a decimal number; NaN when it is not one. */
export function parseDecimal(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  if (i >= end) return NaN;
  let neg = false;
  let c = buf[i]!;
  if (c === Ch.Minus || c === Ch.Plus) {
    neg = c === Ch.Minus;
    if (++i >= end) return NaN;
  }
  let mant = 0;
  let sig = 0; // significant digits taken into mant
  let digits = 0; // every mantissa digit seen
  let exp10 = 0;
  let exact = true;
  while (i < end) {
    c = buf[i]!;
    if (c < Ch.Zero || c > Ch.Nine) break;
    digits++;
    if (sig < 15) {
      if (mant !== 0 || c !== Ch.Zero) {
        mant = mant * 10 + (c - Ch.Zero);
        sig++;
      }
    } else {
      exp10++;
      if (c !== Ch.Zero) exact = false;
    }
    i++;
  }
  if (i < end && buf[i] === Ch.Dot) {
    i++;
    while (i < end) {
      c = buf[i]!;
      if (c < Ch.Zero || c > Ch.Nine) break;
      digits++;
      if (sig < 15) {
        if (mant !== 0 || c !== Ch.Zero) {
          mant = mant * 10 + (c - Ch.Zero);
          sig++;
        }
        exp10--;
      } else if (c !== Ch.Zero) exact = false;
      i++;
    }
  }
  if (digits === 0) return NaN;
  if (i < end) {
    c = buf[i]!;
    if (c !== Ch.e && c !== Ch.E) return NaN;
    if (++i >= end) return NaN;
    let eneg = false;
    c = buf[i]!;
    if (c === Ch.Minus || c === Ch.Plus) {
      eneg = c === Ch.Minus;
      if (++i >= end) return NaN;
    }
    let e = 0;
    const eStart = i;
    while (i < end) {
      c = buf[i]!;
      if (c < Ch.Zero || c > Ch.Nine) return NaN;
      if (e < 100000) e = e * 10 + (c - Ch.Zero);
      i++;
    }
    if (i === eStart) return NaN;
    exp10 += eneg ? -e : e;
  }
  let v: number;
  if (mant === 0) v = 0;
  else if (exact && exp10 >= -22 && exp10 <= 22) v = exp10 >= 0 ? mant * POW10[exp10]! : mant / POW10[-exp10]!;
  else return Number(latin1(buf, start, end));
  return neg ? -v : v;
}

/**
 * Parses buf[start, end) as a signed integer made of digits only; NaN otherwise. Values beyond
 * 2^53 lose precision like any JavaScript number.
 */
export function parseInteger(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  if (i >= end) return NaN;
  let neg = false;
  const c0 = buf[i]!;
  if (c0 === Ch.Minus || c0 === Ch.Plus) {
    neg = c0 === Ch.Minus;
    if (++i >= end) return NaN;
  }
  let v = 0;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c < Ch.Zero || c > Ch.Nine) return NaN;
    v = v * 10 + (c - Ch.Zero);
  }
  return neg ? -v : v;
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
  return s;
}
