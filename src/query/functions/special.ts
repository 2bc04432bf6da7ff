/**
 * The rest of graphite-web's everyday functions: stacked, areaBetween, holtWintersConfidenceArea,
 * cactiStyle, aliasQuery, useSeriesAbove, removeBetweenPercentile, averageOutsidePercentile,
 * verticalLine, setXFilesFactor.
 */
import { BadRequestError } from "../../lib/errors.js";
import { parseTarget } from "../parser.js";
import { pythonRegex } from "../regex.js";
import { makeSeries, safeAvg, safeLast, safeMax, safeMin, type Series, type Value } from "../series.js";
import { parseTime } from "../time.js";
import { formatUnits } from "./alias.js";
import { numArg, optStrArg, seriesArg, strArg } from "./args.js";
import { percentile } from "./calculate.js";
import { holtWintersConfidenceBands } from "./holt-winters.js";
import type { FunctionSpec } from "./types.js";

const SERIES = { name: "seriesList", type: "seriesList", required: true } as const;

export const stacked: FunctionSpec = {
  name: "stacked",
  group: "Special",
  description: "Each series plus the ones stacked before it (per stack name, across the request's targets).",
  params: [SERIES, { name: "stack", type: "string" }],
  run: (cc, a) => {
    const stack = optStrArg(a, "stack") ?? "__DEFAULT__";
    const total = cc.ctx.shared.get(`stacked:${stack}`) ?? [];
    const out = seriesArg(a, "seriesList").map((s) => {
      const values = s.values.map((v, i) => {
        if (total.length <= i) total.push(0);
        if (v === null) return null;
        total[i]! += v;
        return total[i]!;
      });
      const name = stack === "__DEFAULT__" ? `stacked(${s.name})` : s.name;
      return { ...s, tags: { ...s.tags }, name, pathExpression: name, values };
    });
    cc.ctx.shared.set(`stacked:${stack}`, total);
    return out;
  },
};

function areaOf(list: Series[], label: string, pathExpression: string): Series[] {
  if (list.length !== 2) throw new BadRequestError(`${label} series argument must reference *exactly* 2 series (got ${list.length})`, "bad_argument");
  const name = `${label}(${pathExpression})`;
  return list.map((s) => ({ ...s, name }));
}

export const areaBetween: FunctionSpec = {
  name: "areaBetween",
  group: "Special",
  description: "The area between exactly two series (a drawing hint: both pass through, named areaBetween(…)).",
  params: [SERIES],
  run: (_cc, a) => {
    const list = seriesArg(a, "seriesList");
    return areaOf(list, "areaBetween", list[1]?.pathExpression ?? "");
  },
};

export const holtWintersConfidenceArea: FunctionSpec = {
  name: "holtWintersConfidenceArea",
  group: "Calculate",
  description: "The area between the Holt-Winters confidence bands of one series.",
  params: holtWintersConfidenceBands.params,
  run: (cc, a) => {
    const src = seriesArg(a, "seriesList");
    const bands = holtWintersConfidenceBands.run(cc, a);
    return areaOf(bands, "holtWintersConfidenceArea", src[0]?.pathExpression ?? "");
  },
};

/** graphite-web's glyph.format_units: value and prefix (with the units appended). */
function formatUnitsPair(v: number, system: "si" | "binary", units: string | undefined): [number, string] {
  const text = formatUnits(v, system);
  const m = /^(-?\d+\.\d\d)(.*)$/.exec(text)!;
  return [Number(m[1]), `${m[2]}${units ?? ""}`];
}

export const cactiStyle: FunctionSpec = {
  name: "cactiStyle",
  group: "Special",
  description: "Names each series with its current, maximum and minimum values in aligned columns (system si or binary for unit prefixes, units appended).",
  params: [SERIES, { name: "system", type: "string", options: ["si", "binary"] }, { name: "units", type: "string" }],
  run: (_cc, a) => {
    const list = seriesArg(a, "seriesList");
    if (list.length === 0) return list;
    const sys = optStrArg(a, "system");
    if (sys !== undefined && sys !== "si" && sys !== "binary") throw new BadRequestError(`cactiStyle: system must be si or binary, got ${JSON.stringify(sys)}`, "bad_argument");
    const units = optStrArg(a, "units");
    const fmt = (x: number): string => {
      if (sys !== undefined) {
        const [v, p] = formatUnitsPair(x, sys, units);
        return units !== undefined ? `${v.toFixed(2)} ${p}` : `${v.toFixed(2)}${p}`;
      }
      return units !== undefined ? `${x.toFixed(2)} ${units}` : x.toFixed(2);
    };
    const width = (f: (v: readonly Value[]) => Value): number => Math.max(0, ...list.map((s) => fmt(Math.trunc(f(s.values) || 3)).length)) + 3;
    const nameLen = Math.max(0, ...list.map((s) => s.name.length));
    const lastLen = width(safeLast);
    const maxLen = width(safeMax);
    const minLen = width(safeMin);
    const show = (v: Value): string => (v === null ? "nan" : fmt(v));
    return list.map((s) => ({
      ...s,
      name: `${s.name.padEnd(nameLen)} Current:${show(safeLast(s.values)).padEnd(lastLen)} Max:${show(safeMax(s.values)).padEnd(maxLen)} Min:${show(safeMin(s.values)).padEnd(minLen)} `,
    }));
  },
};

/** Python's `fmt % number` for one conversion (%d %i %f %.2f %s %g %e, with flags and width). */
export function pyPercent(fmt: string, v: number): string {
  // a width never starts with 0 (that is a flag): flags and width cannot trade digits, so linear
  return fmt.replace(/%([-+ 0#]*)([1-9]\d*)?(?:\.(\d+))?([diufFeEgGs%])/g, (_m, flags: string, w: string | undefined, p: string | undefined, conv: string) => {
    if (conv === "%") return "%";
    let out: string;
    switch (conv) {
      case "d":
      case "i":
      case "u":
        out = String(Math.trunc(v));
        break;
      case "f":
      case "F":
        out = v.toFixed(p === undefined ? 6 : Number(p));
        break;
      case "e":
      case "E":
        out = v.toExponential(p === undefined ? 6 : Number(p)).replace(/e([+-])(\d)$/, "e$10$2");
        if (conv === "E") out = out.toUpperCase();
        break;
      case "g":
      case "G":
        out = String(Number(v.toPrecision(p === undefined ? 6 : Math.max(1, Number(p)))));
        break;
      default:
        out = Number.isInteger(v) ? `${v}.0` : String(v);
    }
    if (flags.includes("+") && v >= 0 && conv !== "s") out = `+${out}`;
    const width = w === undefined ? 0 : Number(w);
    if (out.length < width) out = flags.includes("-") ? out.padEnd(width) : flags.includes("0") && conv !== "s" ? out.padStart(width, "0") : out.padStart(width);
    return out;
  });
}

export const aliasQuery: FunctionSpec = {
  name: "aliasQuery",
  group: "Alias",
  description: "Names each series by the last value of another query: search/replace turns the name into that query, newName formats the value (%d, %.2f, %s …).",
  params: [SERIES, { name: "search", type: "string", required: true }, { name: "replace", type: "string", required: true }, { name: "newName", type: "string", required: true }],
  run: (cc, a) => {
    const search = pythonRegex(strArg(a, "search"), "aliasQuery: search");
    const replace = strArg(a, "replace");
    const newName = strArg(a, "newName");
    return seriesArg(a, "seriesList").map((s) => {
      const query = search.replace(s.name, replace);
      const found = cc.evaluate(parseTarget(query));
      if (found.length === 0) throw new BadRequestError(`aliasQuery: no series found with query: ${query}`, "bad_argument");
      const current = safeLast(found[0]!.values);
      if (current === null) throw new BadRequestError(`aliasQuery: cannot get last value of series: ${found[0]!.name}`, "bad_argument");
      return { ...s, name: pyPercent(newName, current) };
    });
  },
};

export const useSeriesAbove: FunctionSpec = {
  name: "useSeriesAbove",
  group: "Filter Series",
  description: "For each series whose maximum is above value, draws the series named by the search/replace of its name instead.",
  params: [SERIES, { name: "value", type: "float", required: true }, { name: "search", type: "string", required: true }, { name: "replace", type: "string", required: true }],
  run: (cc, a) => {
    const value = numArg(a, "value");
    const search = pythonRegex(strArg(a, "search"), "useSeriesAbove: search");
    const replace = strArg(a, "replace");
    const names = seriesArg(a, "seriesList")
      .filter((s, i) => {
        if ((i & 255) === 0) cc.ctx.budget.check("matching useSeriesAbove's search");
        const m = safeMax(s.values);
        return m !== null && m > value;
      })
      .map((s) => search.replace(s.name, replace));
    if (names.length === 0) return [];
    return cc.evaluate(parseTarget(`group(${names.join(",")})`)).filter((s) => s.values.length > 0);
  },
};

export const removeBetweenPercentile: FunctionSpec = {
  name: "removeBetweenPercentile",
  group: "Filter Series",
  description: "Keeps the series that at some time lie outside the n-th (and 100-n-th) percentile band of all series.",
  params: [SERIES, { name: "n", type: "float", required: true }],
  run: (_cc, a) => {
    const list = seriesArg(a, "seriesList");
    if (list.length === 0) return [];
    let n = numArg(a, "n");
    if (n < 50) n = 100 - n;
    const len = list.reduce((m, s) => Math.min(m, s.values.length), Infinity);
    const lows: Value[] = [];
    const highs: Value[] = [];
    for (let i = 0; i < len; i++) {
      const col = list.map((s) => s.values[i] ?? null);
      lows.push(percentile(col, 100 - n));
      highs.push(percentile(col, n));
    }
    return list.filter((s) =>
      s.values.slice(0, len).some((v, i) => {
        const lo = lows[i] ?? null;
        const hi = highs[i] ?? null;
        return v === null || lo === null || hi === null || !(lo < v && v < hi);
      }),
    );
  },
};

export const averageOutsidePercentile: FunctionSpec = {
  name: "averageOutsidePercentile",
  group: "Filter Series",
  description: "Keeps the series whose average lies outside the n-th (and 100-n-th) percentile of all averages.",
  params: [SERIES, { name: "n", type: "float", required: true }],
  run: (_cc, a) => {
    const list = seriesArg(a, "seriesList");
    let n = numArg(a, "n");
    const avgs = list.map((s) => safeAvg(s.values));
    if (n < 50) n = 100 - n;
    const lo = percentile(avgs, 100 - n);
    const hi = percentile(avgs, n);
    return list.filter((_s, i) => {
      const v = avgs[i] ?? null;
      return v === null || lo === null || hi === null || !(lo < v && v < hi);
    });
  },
};

export const verticalLine: FunctionSpec = {
  name: "verticalLine",
  group: "Special",
  description: "One point of value 1 at the given time (draw it as a vertical line); the time must be inside the range.",
  params: [{ name: "ts", type: "string", required: true }, { name: "label", type: "string" }, { name: "color", type: "string" }],
  run: (cc, a) => {
    const text = strArg(a, "ts");
    const t = Math.floor(parseTime(text, cc.ctx.now) / 1000) * 1000;
    if (t < cc.ctx.from) throw new BadRequestError(`verticalLine(): timestamp ${t / 1000} exists before start of range`, "bad_argument");
    if (t > cc.ctx.until) throw new BadRequestError(`verticalLine(): timestamp ${t / 1000} exists after end of range`, "bad_argument");
    return [makeSeries(optStrArg(a, "label") ?? `verticalLine(${text})`, t, 1000, [1])];
  },
};

export const setXFilesFactor: FunctionSpec = {
  name: "setXFilesFactor",
  group: "Special",
  aliases: ["xFilesFactor"],
  description: "The share of non-null values (0 to 1) a consolidated bucket needs to have a value.",
  params: [SERIES, { name: "xFilesFactor", type: "float", required: true }],
  run: (_cc, a) => {
    const x = numArg(a, "xFilesFactor");
    if (!(x >= 0 && x <= 1)) throw new BadRequestError("xFilesFactor must be between 0 and 1", "bad_argument");
    return seriesArg(a, "seriesList").map((s) => ({ ...s, xff: x }));
  },
};
