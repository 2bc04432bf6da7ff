/** Grafana `templating.list` → Loupe variables (query on Graphite paths, custom lists). */
import type { DashboardInput } from "./model.js";
import { arr, obj, str, type Json } from "./json-read.js";
import { datasourceType, normalizeVariables } from "./grafana-targets.js";

type VariableIn = NonNullable<DashboardInput["variables"]>[number];

export interface Skip {
  readonly panel: string;
  readonly reason: string;
}

function currentOf(v: Json): string[] {
  const value = obj(v["current"])?.["value"];
  if (typeof value === "string") return value === "" ? [] : [value];
  return arr(value).filter((x): x is string => typeof x === "string");
}

/** `"a, b : 2, c"` → `"a,2,c"` (Grafana's `text : value` pairs keep the value). */
function customValues(query: string): string {
  return query
    .split(/(?<!\\),/)
    .map((s) => {
      const pair = /^(.*?)\s+:\s+(.*)$/.exec(s.trim());
      return (pair === null ? s : pair[2]!).trim();
    })
    .filter((s) => s !== "")
    .join(",");
}

export function convertTemplating(templating: unknown, inputs: ReadonlyMap<string, string>, skipped: Skip[]): VariableIn[] {
  const out: VariableIn[] = [];
  for (const raw of arr(obj(templating)?.["list"])) {
    const v = obj(raw);
    if (v === undefined) continue;
    const name = str(v["name"]) ?? "";
    const label = `variable $${name}`;
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) {
      skipped.push({ panel: label, reason: "the variable name must be letters, digits and _" });
      continue;
    }
    if (out.length >= 20) {
      skipped.push({ panel: label, reason: "a dashboard holds at most 20 variables" });
      continue;
    }
    const type = str(v["type"]) ?? "query";
    const common = {
      name,
      multi: v["multi"] === true,
      includeAll: v["includeAll"] === true,
      current: currentOf(v).slice(0, 100),
      ...(str(v["label"]) ? { label: str(v["label"])!.slice(0, 100) } : {}),
    };
    switch (type) {
      case "query": {
        const ds = datasourceType(v["datasource"], inputs);
        if (ds !== undefined && ds !== "graphite") {
          skipped.push({ panel: label, reason: `query on datasource type "${ds}" is not Graphite` });
          continue;
        }
        const q = str(v["query"]) ?? str(obj(v["query"])?.["query"]) ?? "";
        if (q.trim() === "") {
          skipped.push({ panel: label, reason: "empty query" });
          continue;
        }
        if (/[()]/.test(q)) {
          skipped.push({ panel: label, reason: `query "${q}" uses a function (tags, seriesByTag); only path globs such as servers.* are supported` });
          continue;
        }
        const regex = str(v["regex"]) ?? "";
        if (regex !== "") skipped.push({ panel: label, reason: `regex ${regex} is not supported: every value of ${q} is offered` });
        out.push({ ...common, type: "query", query: normalizeVariables(q).slice(0, 1000) });
        break;
      }
      case "custom":
      case "interval":
      case "constant":
      case "textbox": {
        const q = str(v["query"]) ?? "";
        const values = type === "custom" || type === "interval" ? customValues(q) : q.trim();
        if (values === "") {
          skipped.push({ panel: label, reason: `empty ${type} variable` });
          continue;
        }
        out.push({ ...common, type: "custom", query: values.slice(0, 1000) });
        break;
      }
      case "datasource":
        skipped.push({ panel: label, reason: "datasource variables are not needed: Loupe has one data source" });
        break;
      case "adhoc":
        skipped.push({ panel: label, reason: "ad hoc filters are not supported" });
        break;
      default:
        skipped.push({ panel: label, reason: `variable type "${type}" is not supported` });
    }
  }
  return out;
}
