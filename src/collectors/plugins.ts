/**
 * Collector plugins: every `*.js` / `*.mjs` module in `[paths] plugins` whose default export (or
 * export named `collector`) is a collector: `{ name, help?, enabledByDefault?, path?, options?,
 * collect(ctx) }`. Each is imported in a worker thread (plugin-host.ts), described, validated with
 * zod, and run there, so a busy loop or a leak is stopped at its timeout or memory limit; a broken
 * one is reported with its file and reason and skipped, never stopping Loupe. The contract is
 * documented in README.md ("Collector plugins").
 */
import { readdir } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { z } from "zod";
import { opt, type Option, type RawSection, type SectionSpec } from "../config/index.js";
import { errorMessage } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import { commonOptions } from "./options.js";
import { DEFAULT_PLUGIN_LIMITS, describePlugin, PluginHost, type PluginLimits } from "./plugin-host.js";
import type { ProcFs } from "./procfs.js";
import { COLLECTOR_NAME, type CollectorRegistry } from "./registry.js";
import type { AnyCollectorDefinition, CollectContext, CollectFn, CollectorEnv } from "./types.js";

type AnyOption = Option<string | number | boolean>;

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

/** What a plugin's worker reports about its export (collect is replaced by its typeof). */
export const pluginMetaSchema = pluginSchema.extend({
  collect: z.literal("function", { message: "collect must be a function" }),
});

export interface PluginProblem {
  readonly file: string;
  readonly reason: string;
  /** The collector name the plugin meant to have (its `name`, else its file name), when known. */
  readonly name?: string;
}

/** A collect function that owns a worker: stop() closes it. */
export type ClosableCollectFn = CollectFn & { close?: () => Promise<void> };

function toOption(o: z.infer<typeof optionSchema>): AnyOption {
  if (typeof o.default === "boolean") return opt.bool(o.default, o.help);
  if (typeof o.default === "number") return opt.number(o.default, o.help);
  return opt.string(o.default, o.help);
}

type PluginDescription = Omit<z.infer<typeof pluginSchema>, "collect">;
type OwnOptions = Readonly<Record<string, string | number | boolean>>;

/** The collector definition of a validated plugin description; `run` makes its collect function from its own options. */
function definitionOf(p: PluginDescription, file: string, run: (own: OwnOptions, env: CollectorEnv) => CollectFn): AnyCollectorDefinition {
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
      return run(Object.freeze(own), env);
    },
  };
}

/** A validated plugin description → a collector definition whose runs happen in a worker thread. */
export function workerPluginDefinition(meta: unknown, file: string, limits: PluginLimits = DEFAULT_PLUGIN_LIMITS): AnyCollectorDefinition {
  return definitionOf(pluginMetaSchema.parse(meta), file, (own, env) => {
    const host = new PluginHost(file, limits, env);
    host.prestart();
    const collect: ClosableCollectFn = (ctx) => host.collect(ctx, own);
    collect.close = () => host.close();
    return collect;
  });
}

/** A plugin module export → a collector definition run in this thread (tests of the contract). */
export function pluginDefinition(exported: unknown, file: string): AnyCollectorDefinition {
  const p = pluginSchema.parse(exported);
  return definitionOf(p, file, (own, env) => async (ctx) => {
    await p.collect({ ...ctx, gauge: ctx.gauge, counter: ctx.counter, change: ctx.change, options: own, log: env.log, procfs: env.procfs });
  });
}

function describe(err: unknown): string {
  if (err instanceof z.ZodError) return err.issues.map((i) => `${i.path.length > 0 ? `${i.path.join(".")}: ` : ""}${i.message}`).join("; ");
  return errorMessage(err);
}

/** The collector name a broken plugin meant: its export's `name` when it got that far, else its file name. */
function intendedName(file: string, meta: unknown): string | undefined {
  const named = meta !== null && typeof meta === "object" ? (meta as { name?: unknown }).name : undefined;
  const guess = typeof named === "string" ? named : basename(file).replace(/\.(m?js)$/, "").replace(/-/g, "_").toLowerCase();
  return COLLECTOR_NAME.test(guess) ? guess : undefined;
}

/**
 * Loads every plugin of `dir` into the registry, each described in its own worker thread (in
 * parallel). A missing folder means no plugins. Returns the problems (file and reason) of the
 * plugins that were skipped.
 */
export async function loadPlugins(dir: string, registry: CollectorRegistry, limits: PluginLimits = DEFAULT_PLUGIN_LIMITS): Promise<{ loaded: string[]; problems: PluginProblem[] }> {
  const abs = resolve(dir);
  let names: string[];
  try {
    names = (await readdir(abs)).filter((n) => n.endsWith(".js") || n.endsWith(".mjs")).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { loaded: [], problems: [] };
    return { loaded: [], problems: [{ file: abs, reason: `cannot read the plugin folder: ${errorMessage(err)}` }] };
  }
  const files = names.map((n) => join(abs, n));
  const described = await Promise.all(files.map((f) => describePlugin(f, limits).then((meta) => ({ meta }), (err: unknown) => ({ err }))));
  const loaded: string[] = [];
  const problems: PluginProblem[] = [];
  files.forEach((file, i) => {
    const d = described[i]!;
    const meta = "meta" in d ? d.meta : undefined;
    try {
      if ("err" in d) throw d.err;
      const def = workerPluginDefinition(meta, file, limits);
      registry.register(def);
      loaded.push(def.name);
    } catch (err) {
      const name = intendedName(file, meta);
      problems.push({ file, reason: describe(err), ...(name !== undefined ? { name } : {}) });
    }
  });
  return { loaded, problems };
}

/**
 * Stands in for a plugin that failed to load but has its own `[collector.<name>]` section, so the
 * section is not an "unknown collector" error: never scheduled, its own keys taken as they are.
 */
export function brokenPluginStub(problem: PluginProblem & { name: string }, section: RawSection): AnyCollectorDefinition {
  const common = new Set(Object.keys(commonOptions(false)));
  const options: Record<string, AnyOption> = {};
  for (const key of section.values.keys()) if (!common.has(key)) options[key] = opt.string("", "option of a plugin that failed to load");
  return {
    name: problem.name,
    help: `failed to load: ${problem.reason}`,
    enabledByDefault: false,
    options: options as SectionSpec,
    source: problem.file,
    create: () => () => {
      throw new Error(`plugin ${problem.file} failed to load: ${problem.reason}`);
    },
  };
}
