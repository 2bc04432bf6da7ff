/**
 * graphite-web's "Graph" functions only style a PNG graph. Loupe draws its own charts, so they pass
 * the series through — renaming them as graphite-web does — so that targets written for Graphite
 * or Grafana keep working.
 */
import { formatG, type Series } from "../series.js";
import { optNumArg, seriesArg } from "./args.js";
import type { FunctionSpec, ParamSpec } from "./types.js";

const SERIES = { name: "seriesList", type: "seriesList", required: true } as const;

function passThrough(name: string, extra: readonly ParamSpec[], description: string, rename?: (s: Series, a: { n?: number }) => string): FunctionSpec {
  return {
    name,
    group: "Special",
    description: `${description} (a drawing hint in Graphite; the series pass through unchanged).`,
    params: [SERIES, ...extra],
    run: (_cc, a) => {
      const n = extra[0]?.type === "float" || extra[0]?.type === "integer" ? optNumArg(a, extra[0].name) : undefined;
      return seriesArg(a, "seriesList").map((s) => (rename ? { ...s, name: rename(s, n === undefined ? {} : { n }) } : s));
    },
  };
}

export const graphFunctions: FunctionSpec[] = [
  passThrough("color", [{ name: "theColor", type: "string", required: true }], "Color of the series"),
  passThrough("alpha", [{ name: "alpha", type: "float", required: true }], "Transparency of the series"),
  passThrough("lineWidth", [{ name: "width", type: "float", required: true }], "Line width"),
  passThrough("dashed", [{ name: "dashLength", type: "integer", default: 5 }], "Dashed line", (s, a) => `dashed(${s.name}, ${formatG(a.n ?? 5)})`),
  passThrough("secondYAxis", [], "Draw on the second Y axis", (s) => `secondYAxis(${s.name})`),
  passThrough("drawAsInfinite", [], "Draw non-zero values as vertical lines", (s) => `drawAsInfinite(${s.name})`),
];
