/**
 * Options every `[collector.<name>]` section has, added by the framework to each collector's own:
 * enabled, interval, timeout, metrics_whitelist, metrics_blacklist.
 */
import { z } from "zod";
import { opt, parseDuration, type Option, type SectionSpec, type SectionValues } from "../config/index.js";
import type { AnyCollectorDefinition } from "./types.js";

/** A duration that may be left empty (`undefined`: inherit from [collectors]). Milliseconds. */
export function optionalDuration(help: string, min = 1000): Option<number | undefined> {
  const expected = `a duration such as 10s or 1m (at least ${min / 1000}s), or empty`;
  const schema = z.string().transform((s, ctx): number | undefined => {
    if (s.trim() === "") return undefined;
    const v = parseDuration(s);
    if (v === undefined || v < min) {
      ctx.addIssue({ code: "custom", message: `expected ${expected}` });
      return z.NEVER;
    }
    return v;
  });
  return { kind: "duration", expected, schema, default: "", help, secret: false };
}

export function commonOptions(enabledByDefault: boolean) {
  return {
    enabled: opt.bool(enabledByDefault, "run this collector"),
    interval: optionalDuration("collection interval; empty means [collectors] interval"),
    timeout: optionalDuration("a run taking longer is abandoned and counted as an error; empty means the interval"),
    metrics_whitelist: opt.regex("", "only publish metrics whose name (after the collector path) matches this regex; empty: all"),
    metrics_blacklist: opt.regex("", "never publish metrics whose name matches this regex; empty: none"),
  } as const;
}

export type CommonOptions = SectionValues<ReturnType<typeof commonOptions>>;

/** Every option of a collector's section: the framework's, then its own. */
export function fullSpec(def: AnyCollectorDefinition): SectionSpec {
  return { ...commonOptions(def.enabledByDefault), ...def.options };
}

/** Section name of a collector. */
export function sectionName(name: string): string {
  return `collector.${name}`;
}
