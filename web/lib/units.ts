/** Value formatting per panel unit (bytes, %, ops/s, ms …), compact enough for axes and legends. */
export type Unit = "none" | "short" | "percent" | "percentunit" | "bytes" | "bits" | "Bps" | "bps" | "ops" | "reqps" | "ms" | "s" | "celsius";

export const UNITS: ReadonlyArray<{ value: Unit; label: string }> = [
  { value: "none", label: "none" },
  { value: "short", label: "short (k, M, G)" },
  { value: "percent", label: "percent (0-100)" },
  { value: "percentunit", label: "percent (0.0-1.0)" },
  { value: "bytes", label: "bytes (IEC)" },
  { value: "bits", label: "bits" },
  { value: "Bps", label: "bytes/sec" },
  { value: "bps", label: "bits/sec" },
  { value: "ops", label: "ops/sec" },
  { value: "reqps", label: "requests/sec" },
  { value: "ms", label: "milliseconds" },
  { value: "s", label: "seconds" },
  { value: "celsius", label: "Celsius (°C)" },
];

function fixed(v: number, decimals: number | undefined): string {
  if (decimals !== undefined) return v.toFixed(decimals);
  const a = Math.abs(v);
  if (a === 0) return "0";
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1).replace(/\.0$/, "");
  if (a >= 1) return v.toFixed(2).replace(/\.?0+$/, "");
  if (a >= 0.001) return v.toPrecision(2).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
  return v.toExponential(1);
}

function scaled(v: number, base: number, suffixes: readonly string[], decimals: number | undefined, sep = " "): string {
  let i = 0;
  let x = v;
  while (Math.abs(x) >= base && i < suffixes.length - 1) {
    x /= base;
    i++;
  }
  return `${fixed(x, decimals)}${sep}${suffixes[i]}`.trimEnd();
}

export function formatValue(v: number | null | undefined, unit: Unit = "none", decimals?: number): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  switch (unit) {
    case "percent":
      return `${fixed(v, decimals)}%`;
    case "percentunit":
      return `${fixed(v * 100, decimals)}%`;
    case "bytes":
      return scaled(v, 1024, ["B", "KiB", "MiB", "GiB", "TiB", "PiB"], decimals);
    case "bits":
      return scaled(v, 1000, ["b", "kb", "Mb", "Gb", "Tb"], decimals);
    case "Bps":
      return scaled(v, 1024, ["B/s", "KiB/s", "MiB/s", "GiB/s", "TiB/s"], decimals);
    case "bps":
      return scaled(v, 1000, ["b/s", "kb/s", "Mb/s", "Gb/s", "Tb/s"], decimals);
    case "ops":
      return `${scaled(v, 1000, ["", "k", "M", "G"], decimals, "")} ops/s`;
    case "reqps":
      return `${scaled(v, 1000, ["", "k", "M", "G"], decimals, "")} req/s`;
    case "ms":
      if (Math.abs(v) >= 60000) return `${fixed(v / 60000, decimals)} min`;
      if (Math.abs(v) >= 1000) return `${fixed(v / 1000, decimals)} s`;
      return `${fixed(v, decimals)} ms`;
    case "s":
      if (Math.abs(v) >= 86400) return `${fixed(v / 86400, decimals)} d`;
      if (Math.abs(v) >= 3600) return `${fixed(v / 3600, decimals)} h`;
      if (Math.abs(v) >= 60) return `${fixed(v / 60, decimals)} min`;
      if (Math.abs(v) < 1 && v !== 0) return `${fixed(v * 1000, decimals)} ms`;
      return `${fixed(v, decimals)} s`;
    case "celsius":
      return `${fixed(v, decimals)}°C`;
    case "short":
      return scaled(v, 1000, ["", "k", "M", "G", "T", "P"], decimals, "");
    default:
      return fixed(v, decimals);
  }
}

// ---- axis ticks ------------------------------------------------------------------------------
// Ticks are chosen in the unit the axis displays: a bytes axis that shows GiB steps by 1, 2, 4, 5, 8,
// 10, 16, 20 … GiB (never 18.6 GiB), a seconds axis steps by 15 s, 5 min, 6 h or 7 d, and every
// label on one axis uses the same prefix and the same number of decimals.

export interface AxisTicks {
  /** Tick positions in the raw unit of the data. */
  readonly values: number[];
  readonly labels: string[];
}

/** How a unit family scales: a base and prefixes (bytes, bits, short) or a fixed suffix. */
interface LinearFamily {
  readonly base: number;
  readonly suffixes: readonly string[];
  readonly sep: string;
  readonly post: string;
  readonly binary: boolean;
  /** Multiplier applied before display (percentunit shows 0.5 as 50%). */
  readonly mult: number;
}

const plain = (post: string, mult = 1): LinearFamily => ({ base: 0, suffixes: [""], sep: "", post, binary: false, mult });
const prefixed = (base: number, suffixes: readonly string[], sep: string, post = ""): LinearFamily => ({ base, suffixes, sep, post, binary: base === 1024, mult: 1 });

function linearFamily(unit: Unit): LinearFamily {
  switch (unit) {
    case "percent":
      return plain("%");
    case "percentunit":
      return plain("%", 100);
    case "celsius":
      return plain("°C");
    case "bytes":
      return prefixed(1024, ["B", "KiB", "MiB", "GiB", "TiB", "PiB"], " ");
    case "Bps":
      return prefixed(1024, ["B/s", "KiB/s", "MiB/s", "GiB/s", "TiB/s"], " ");
    case "bits":
      return prefixed(1000, ["b", "kb", "Mb", "Gb", "Tb"], " ");
    case "bps":
      return prefixed(1000, ["b/s", "kb/s", "Mb/s", "Gb/s", "Tb/s"], " ");
    case "short":
    case "none":
      // "none" axes too: 22500000000 on an axis reads as 22.5G
      return prefixed(1000, ["", "k", "M", "G", "T", "P"], "");
    case "ops":
      return prefixed(1000, ["", "k", "M", "G"], "", " ops/s");
    case "reqps":
      return prefixed(1000, ["", "k", "M", "G"], "", " req/s");
    default:
      return plain("");
  }
}

const DECIMAL_MANTISSAS = [1, 2, 5];
/** Binary steps: 4 and 8 fill the gaps between 2, 5 and 10 (4 GiB, 8 GiB); larger ones read worse than 10, 20, 50. */
const BINARY_STEPS = [1, 2, 4, 8];

/** The smallest round step ≥ raw: 1/2/5 × 10ⁿ, or from `extra` when given and in its span. */
export function niceStep(raw: number, extra?: readonly number[]): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  if (extra && raw >= extra[0]! && raw <= extra[extra.length - 1]!) return extra.find((s) => s >= raw - 1e-12)!;
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of DECIMAL_MANTISSAS) if (m * mag >= raw * (1 - 1e-12)) return m * mag;
  return 10 * mag;
}

/** Decimals needed to print multiples of `step` exactly (0.25 → 2, 5 → 0). */
export function decimalsFor(step: number): number {
  for (let d = 0; d < 12; d++) {
    const x = step * 10 ** d;
    if (Math.abs(x - Math.round(x)) < 1e-6 * Math.max(1, x)) return d;
  }
  return 12;
}

/** Multiples of `step` in [min, max], float noise rounded away. */
function multiples(min: number, max: number, step: number): number[] {
  const out: number[] = [];
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  const d = decimalsFor(step) + 2;
  for (let i = first; i <= last && out.length < 1000; i++) out.push(Number((i * step).toFixed(d)));
  return out;
}

function linearTicks(unit: Unit, min: number, max: number, maxCount: number): AxisTicks {
  const f = linearFamily(unit);
  const lo = min * f.mult;
  const hi = max * f.mult;
  const top = Math.max(Math.abs(lo), Math.abs(hi));
  let i = 0;
  let div = 1;
  if (f.base > 0) while (top / div >= f.base && i < f.suffixes.length - 1) (div *= f.base), i++;
  const span = (hi - lo) / div;
  const raw = span / Math.max(1, maxCount);
  let step = niceStep(raw);
  if (f.binary && raw >= 1 && raw <= 8) {
    // a binary step where it gives more ticks than the decimal one: 0, 4, 8, 12, 16 GiB rather than 0, 5, 10, 15
    const bin = niceStep(raw, BINARY_STEPS);
    if (Math.floor(span / bin + 1e-9) > Math.floor(span / step + 1e-9)) step = bin;
  }
  const scaled = multiples(lo / div, hi / div, step);
  const decimals = decimalsFor(step);
  const unitText = `${f.sep}${f.suffixes[i]}`.trimEnd() + f.post;
  const zero = `0${f.sep}${f.suffixes[0]}`.trimEnd() + f.post;
  return {
    values: scaled.map((v) => (v * div) / f.mult),
    labels: scaled.map((v) => (v === 0 ? zero : `${v.toFixed(decimals)}${unitText}`)),
  };
}

/** Duration steps in seconds: 1/2/5 × 10ⁿ below a second, then clock-like steps, then days. */
const DURATION_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 432000, 604800, 1209600];
const DURATION_UNITS: ReadonlyArray<[number, string]> = [
  [86400, "d"],
  [3600, "h"],
  [60, "min"],
  [1, "s"],
  [0.001, "ms"],
];

/** Seconds (or ms) axes: the step is a clock-like duration, every label in the largest unit that divides it. */
function durationTicks(unit: "s" | "ms", min: number, max: number, maxCount: number): AxisTicks {
  const k = unit === "ms" ? 0.001 : 1;
  const raw = ((max - min) * k) / Math.max(1, maxCount);
  let step: number;
  if (raw < 1) step = niceStep(raw);
  else if (raw <= DURATION_STEPS[DURATION_STEPS.length - 1]!) step = DURATION_STEPS.find((s) => s >= raw)!;
  else step = niceStep(raw / 86400) * 86400;
  const [div, name] = DURATION_UNITS.find(([d]) => step >= d && Math.abs(step / d - Math.round(step / d)) < 1e-9) ?? DURATION_UNITS[DURATION_UNITS.length - 1]!;
  const scaledStep = step / div;
  const scaled = multiples((min * k) / div, (max * k) / div, scaledStep);
  const decimals = decimalsFor(scaledStep);
  return { values: scaled.map((v) => (v * div) / k), labels: scaled.map((v) => (v === 0 ? "0 s" : `${v.toFixed(decimals)} ${name}`)) };
}

/**
 * Ticks for a value axis over [min, max] with at most about `maxCount` intervals: round steps of the
 * unit shown, one prefix and one number of decimals for the whole axis.
 */
export function axisTicks(unit: Unit, min: number, max: number, maxCount: number): AxisTicks {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) return { values: [], labels: [] };
  if (max === min) return { values: [min], labels: [formatValue(min, unit)] };
  const ticks = (n: number): AxisTicks => (unit === "s" || unit === "ms" ? durationTicks(unit, min, max, n) : linearTicks(unit, min, max, n));
  // a short axis still gets two labels: finer steps until it does (0–41% with room for one step: 0%, 20%, 40%)
  let n = Math.max(1, maxCount);
  let t = ticks(n);
  while (t.values.length < 2 && n < 8 * Math.max(1, maxCount)) t = ticks((n *= 2));
  return t;
}
