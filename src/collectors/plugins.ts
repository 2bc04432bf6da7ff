/**
 * Collector plugins: every `*.js` / `*.mjs` module in `[paths] plugins` whose default export (or
 * export named `collector`) is a collector: `{ name, help?, enabledByDefault?, path?, options?,
 * collect(ctx) }`. Each is validated with zod; a broken one is reported with its file and reason
 * and skipped, never stopping Loupe. The contract is documented in README.md ("Collector plugins").
 */
import { readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { opt, type Option, type SectionSpec } from "../config/index.js";

type AnyOption = Option<string | number | boolean>;
import { errorMessage } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { ProcFs } from "./procfs.js";
import { COLLECTOR_NAME, type CollectorRegistry } from "./registry.js";
import type { AnyCollectorDefinition, CollectContext } from "./types.js";

/** What a plugin's collect() receives: the usual context plus its options, a logger and /proc access. */
export interface PluginContext extends CollectContext {
  readonly options: Readonly<Record<string, string | number | boolean>>;
  readonly log: Logger;
  readonly procfs: ProcFs;
}

const optionSchema = z.object({
  default: z.union([z.string(), z.number(), z.boolean()]),
  help: z.string().min(1),
});

const RESERVED = new Set(["enabled", "interval", "timeout", "metrics_whitelist", "metrics_blacklist"]);

export const pluginSchema = z.object({
  name: z.string().regex(COLLECTOR_NAME, "lowercase letters, digits and _ , starting with a letter"),
  help: z.string().default("plugin collector"),
  enabledByDefault: z.boolean().default(true),
  path: z.string().regex(/^[A-Za-z0-9_.-]+$/, "a Graphite path segment").optional(),
  options: z
    .record(z.string().regex(/^[a-z][a-z0-9_]*$/, "option names are lowercase with _"), optionSchema)
    .refine((o) => Object.keys(o).every((k) => !RESERVED.has(k)), { message: `options may not redefine ${[...RESERVED].join(", ")}` })
    .default({}),
  collect: z.custom<(ctx: PluginContext) => unknown>((v) => typeof v === "function", "collect must be a function"),
});

export interface PluginProblem {
  readonly file: string;
  readonly reason: string;
}

function toOption(o: z.infer<typeof optionSchema>): AnyOption {
  if (typeof o.default === "boolean") return opt.bool(o.default, o.help);
  if (typeof o.default === "number") return opt.number(o.default, o.help);
  return opt.string(o.default, o.help);
}

/** A validated plugin module export → a collector definition. */
export function pluginDefinition(exported: unknown, file: string): AnyCollectorDefinition {
  const p = pluginSchema.parse(exported);
  const options: Record<string, AnyOption> = {};
  for (const [k, o] of Object.entries(p.options)) options[k] = toOption(o);
  return {
    name: p.name,
    help: p.help,
    enabledByDefault: p.enabledByDefault,
    ...(p.path !== undefined ? { path: p.path } : {}),
    options: options as SectionSpec,
    source: file,
    create(values, env) {
      const own: Record<string, string | number | boolean> = {};
      for (const k of Object.keys(options)) own[k] = values[k] as string | number | boolean;
      Object.freeze(own);
      return async (ctx) => {
        await p.collect({ ...ctx, gauge: ctx.gauge, counter: ctx.counter, change: ctx.change, options: own, log: env.log, procfs: env.procfs });
      };
    },
  };
}

function describe(err: unknown): string {
  if (err instanceof z.ZodError) return err.issues.map((i) => `${i.path.length > 0 ? `${i.path.join(".")}: ` : ""}${i.message}`).join("; ");
  return errorMessage(err);
}

/**
 * Loads every plugin of `dir` into the registry. A missing folder means no plugins. Returns the
 * problems (file and reason) of the plugins that were skipped.
 */
export async function loadPlugins(dir: string, registry: CollectorRegistry): Promise<{ loaded: string[]; problems: PluginProblem[] }> {
  const abs = resolve(dir);
  let names: string[];
  try {
    names = (await readdir(abs)).filter((n) => n.endsWith(".js") || n.endsWith(".mjs")).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { loaded: [], problems: [] };
    return { loaded: [], problems: [{ file: abs, reason: `cannot read the plugin folder: ${errorMessage(err)}` }] };
  }
  const loaded: string[] = [];
  const problems: PluginProblem[] = [];
  for (const n of names) {
    const file = join(abs, n);
    try {
      const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      const exported = mod["default"] ?? mod["collector"];
      if (exported === undefined) throw new Error("exports no collector (export default { name, collect } or export const collector)");
      const def = pluginDefinition(exported, file);
      registry.register(def);
      loaded.push(def.name);
    } catch (err) {
      problems.push({ file, reason: describe(err) });
    }
  }
  return { loaded, problems };
}
