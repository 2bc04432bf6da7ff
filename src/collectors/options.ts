/**
 * Options every `[collector.<name>]` section has, added by the framework to each collector's own:
 * enabled, interval, timeout, metrics_whitelist, metrics_blacklist.
 */
import { z } from "zod";
import { opt, parseDuration, type Option, type SectionSpec, type SectionValues } from "../config/index.js";
import type { AnyCollectorDefinition } from "./types.js";
import { byteUnitOption } from "./units.js";

/** A Graphite path of dot-separated segments, or empty; "." alone means "no segment" (Diamond's path = .). */
function pathOption(help: string, allowDot: boolean): Option<string> {
  const expected = `dot-separated path segments without spaces${allowDot ? ', "." for none' : ""}, or empty`;
  const schema = z.string().transform((s, ctx): string => {
    const t = s.trim();
    if (t === "" || (allowDot && t === ".") || /^[^\s.]+(\.[^\s.]+)*$/.test(t)) return t;
    ctx.addIssue({ code: "custom", message: `expected ${expected}` });
    return z.NEVER;
  });
  return { kind: "string", expected, schema, default: "", help, secret: false };
}

/**
 * A duration that may be left empty (`undefined`: inherit from [collectors]). Milliseconds. A bare
 * number is seconds, as in Diamond's collector configs (`interval = 300`).
 */
export function optionalDuration(help: string, min = 1000): Option<number | undefined> {
  const expected = `a duration such as 10s or 1m, or plain seconds as in Diamond (at least ${min / 1000}s), or empty`;
  const schema = z.string().transform((s, ctx): number | undefined => {
    if (s.trim() === "") return undefined;
    const v = /^\s*\d+(\.\d+)?\s*$/.test(s) ? Math.round(Number(s) * 1000) : parseDuration(s);
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
    path: pathOption('metric path segment after the host (Diamond\'s path); empty: the collector\'s own; "." for none', true),
    path_suffix: pathOption("segment(s) between the host and the path (Diamond's path_suffix); empty: none", false),
    hostname: pathOption("host segment for this collector only (Diamond's per-collector hostname); empty: [collectors] hostname", false),
    byte_unit: byteUnitOption("byte", "units of byte values for collectors that publish them (diskspace, memory, network, iostat): bit, kilobit, byte, kilobyte, megabyte, gigabyte …"),
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
