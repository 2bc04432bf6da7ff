/**
 * The collectors Loupe knows (built-ins plus loaded plugins), and their resolution against the
 * configuration: every `[collector.<name>]` section validated, unknown ones rejected with a
 * suggestion, enabled/interval/timeout settled.
 */
import { validateSection, ConfigErrors, type Config } from "../config/index.js";
import { ConfigError } from "../lib/errors.js";
import { closest } from "../lib/levenshtein.js";
import { fullSpec, sectionName, type CommonOptions } from "./options.js";
import type { AnyCollectorDefinition } from "./types.js";

export const COLLECTOR_NAME = /^[a-z][a-z0-9_]*$/;

export class CollectorRegistry {
  private readonly defs = new Map<string, AnyCollectorDefinition>();

  constructor(defs: readonly AnyCollectorDefinition[] = []) {
    for (const d of defs) this.register(d);
  }

  /** Adds a collector; a second one of the same name is refused. */
  register(def: AnyCollectorDefinition): void {
    if (!COLLECTOR_NAME.test(def.name)) throw new Error(`collector name ${JSON.stringify(def.name)} must match ${COLLECTOR_NAME}`);
    const existing = this.defs.get(def.name);
    if (existing !== undefined) throw new Error(`collector "${def.name}" is already defined (${existing.source ?? "built-in"})`);
    this.defs.set(def.name, def);
  }

  get(name: string): AnyCollectorDefinition | undefined {
    return this.defs.get(name);
  }

  has(name: string): boolean {
    return this.defs.has(name);
  }

  list(): AnyCollectorDefinition[] {
    return [...this.defs.values()];
  }
}

/** A collector with its validated section. */
export interface ResolvedCollector {
  readonly def: AnyCollectorDefinition;
  /** Every option value of its section (framework and own). */
  readonly values: Readonly<Record<string, unknown>>;
  readonly enabled: boolean;
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/** Validates all collector sections; throws ConfigError(s) naming file, line, section and key. */
export function resolveCollectors(config: Config, registry: CollectorRegistry): ResolvedCollector[] {
  const problems: ConfigError[] = [];
  for (const [section, raw] of config.meta.dynamic) {
    if (!section.startsWith("collector.")) continue;
    const name = section.slice("collector.".length);
    if (registry.has(name)) continue;
    const guess = closest(name, registry.list().map((d) => d.name));
    problems.push(new ConfigError(`unknown collector${guess !== undefined ? ` (did you mean [collector.${guess}]?)` : ""}; known: ${registry.list().map((d) => d.name).join(", ")}`, raw.location));
  }
  const out: ResolvedCollector[] = [];
  for (const def of registry.list()) {
    try {
      const values = validateSection(config, sectionName(def.name), fullSpec(def)) as Record<string, unknown>;
      const common = values as unknown as CommonOptions;
      const intervalMs = common.interval ?? config.collectors.interval;
      out.push({ def, values, enabled: common.enabled, intervalMs, timeoutMs: common.timeout ?? intervalMs });
    } catch (err) {
      if (err instanceof ConfigErrors) problems.push(...err.problems);
      else if (err instanceof ConfigError) problems.push(err);
      else throw err;
    }
  }
  if (problems.length > 0) throw problems.length === 1 ? problems[0]! : new ConfigErrors(problems);
  return out;
}
