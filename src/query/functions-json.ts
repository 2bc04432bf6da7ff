/** The /functions listing in graphite-web's JSON shape, which Grafana's function editor reads. */
import { functionSpecs } from "./functions/index.js";
import type { FunctionSpec } from "./functions/types.js";

export interface FunctionDescription {
  readonly name: string;
  readonly function: string;
  readonly description: string;
  readonly module: string;
  readonly group: string;
  readonly params: ReadonlyArray<Record<string, unknown>>;
}

function signature(f: FunctionSpec): string {
  const ps = f.params.map((p) => {
    if (p.multiple === true) return `*${p.name}`;
    if (p.required === true) return p.name;
    return `${p.name}=${p.default === undefined ? "None" : typeof p.default === "string" ? `'${p.default}'` : String(p.default)}`;
  });
  return `${f.name}(${ps.join(", ")})`;
}

export function describeFunctions(): Record<string, FunctionDescription> {
  const out: Record<string, FunctionDescription> = {};
  for (const f of functionSpecs()) {
    out[f.name] = {
      name: f.name,
      function: signature(f),
      description: f.description,
      module: "graphite.render.functions",
      group: f.group,
      params: f.params.map((p) => ({
        name: p.name,
        type: p.type,
        ...(p.required === true ? { required: true } : {}),
        ...(p.multiple === true ? { multiple: true } : {}),
        ...(p.default !== undefined ? { default: p.default } : {}),
        ...(p.options !== undefined ? { options: p.options } : {}),
      })),
    };
  }
  return out;
}
