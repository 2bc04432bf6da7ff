/**
 * Turns what a collector reports into samples: Diamond paths `<prefix>.<host>.<path>.<metric>`,
 * whitelist/blacklist, and counter state between runs (rates like Diamond's publish_counter).
 */
import type { Sample, UnixMs } from "../model/index.js";
import type { CollectContext } from "./types.js";
import { compileRegex } from "../lib/safe-regex.js";

interface Previous {
  value: number;
  ts: UnixMs;
}

export interface PublisherOptions {
  /** `servers.<host>.cpu`: everything before the metric name. */
  readonly base: string;
  readonly whitelist?: string;
  readonly blacklist?: string;
}

/** A run in progress: the context given to the collector plus what it produced. */
export interface Run {
  readonly ctx: CollectContext;
  readonly samples: Sample[];
  /** Forget counters not seen in this run (an interface or disk that went away). */
  commit(): void;
}

type Matcher = { test(name: string): boolean };

/** Python's re.match (anchored at the start only), in linear time: the regex comes from the config. */
function anchored(source: string | undefined, key: string): Matcher | undefined {
  if (source === undefined || source === "") return undefined;
  const re = compileRegex(source, key);
  return { test: (name) => re.testStart(name) };
}

export class Publisher {
  private readonly prev = new Map<string, Previous>();
  private readonly whitelist: Matcher | undefined;
  private readonly blacklist: Matcher | undefined;
  private readonly base: string;

  constructor(options: PublisherOptions) {
    this.base = options.base;
    this.whitelist = anchored(options.whitelist, "metrics_whitelist");
    this.blacklist = anchored(options.blacklist, "metrics_blacklist");
  }

  /** Counter state entries currently held (for tests and the RSS benchmark). */
  get stateSize(): number {
    return this.prev.size;
  }

  accepts(name: string): boolean {
    if (this.whitelist !== undefined && !this.whitelist.test(name)) return false;
    if (this.blacklist !== undefined && this.blacklist.test(name)) return false;
    return true;
  }

  begin(now: UnixMs, signal: AbortSignal): Run {
    const samples: Sample[] = [];
    const seen = new Set<string>();
    const prev = this.prev;
    const base = this.base;
    const change = (key: string, value: number, max?: number): { delta: number; seconds: number } | undefined => {
      seen.add(key);
      const p = prev.get(key);
      if (p === undefined) {
        prev.set(key, { value, ts: now });
        return undefined;
      }
      const seconds = (now - p.ts) / 1000;
      let delta = value - p.value;
      if (delta < 0) {
        // A 32-bit counter near its top that came round again is a wrap; anything else is a reset.
        delta = max !== undefined && p.value > max / 2 ? max - p.value + value + 1 : -1;
      }
      p.value = value;
      p.ts = now;
      if (delta < 0 || !(seconds > 0)) return undefined;
      return { delta, seconds };
    };
    const ctx: CollectContext = {
      now,
      signal,
      gauge: (name, value) => {
        if (!Number.isFinite(value) || !this.accepts(name)) return;
        samples.push({ name: `${base}.${name}`, ts: now, value });
      },
      counter: (name, value, max) => {
        if (!this.accepts(name)) return;
        const c = change(name, value, max);
        if (c !== undefined) samples.push({ name: `${base}.${name}`, ts: now, value: c.delta / c.seconds });
      },
      change,
    };
    return {
      ctx,
      samples,
      commit: () => {
        for (const key of prev.keys()) if (!seen.has(key)) prev.delete(key);
      },
    };
  }
}

/** Graphite path segment from free text (an interface, a mount point): no dots, no spaces. */
export function pathSegment(text: string): string {
  return text.replace(/[\s.]/g, "_");
}
