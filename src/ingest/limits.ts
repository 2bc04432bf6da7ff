/**
 * Ingest limits shared by every protocol: how long a metric name (and a tag key or value) may be,
 * how many tags a point may carry, plus the connection-level refusals of the Graphite TCP listener.
 * Each refusal is counted by reason (for /metrics and `loupe.ingest.<protocol>.rejected.*`) and
 * logged as a sample: at most one line per reason a minute, with how many were not logged.
 */
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";

export interface NameLimits {
  /** Longest metric name in bytes; also bounds each tag key and tag value. */
  readonly maxNameBytes: number;
  /** Most tags on one point. */
  readonly maxTags: number;
}

export const DEFAULT_NAME_LIMITS: NameLimits = Object.freeze({ maxNameBytes: 1024, maxTags: 32 });

export const REJECT_REASONS = ["name_too_long", "too_many_tags", "idle_timeout", "too_many_connections"] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** The config key that sets the limit behind each reason (named in messages and logs). */
export const REJECT_KEYS: Readonly<Record<RejectReason, string>> = {
  name_too_long: "max_name_length",
  too_many_tags: "max_tags",
  idle_timeout: "idle_timeout",
  too_many_connections: "max_connections",
};

/** True when `s` is longer than `max` bytes in UTF-8. */
export function tooLong(s: string, max: number): boolean {
  if (s.length > max) return true;
  if (s.length * 3 <= max) return false;
  return Buffer.byteLength(s, "utf8") > max;
}

/** Why a Graphite path (`name;k=v;…`) breaks the limits, or undefined when it does not. */
export function checkGraphitePath(path: string, limits: NameLimits): { reason: RejectReason; detail: string } | undefined {
  const semi = path.indexOf(";");
  if (semi < 0) return tooLong(path, limits.maxNameBytes) ? nameTooLong("metric name", limits) : undefined;
  if (tooLong(path.slice(0, semi), limits.maxNameBytes)) return nameTooLong("metric name", limits);
  const parts = path.slice(semi + 1).split(";");
  if (parts.length > limits.maxTags) return { reason: "too_many_tags", detail: `${parts.length} tags, more than ${limits.maxTags} (max_tags)` };
  for (const p of parts) {
    const eq = p.indexOf("=");
    if (tooLong(eq < 0 ? p : p.slice(0, eq), limits.maxNameBytes) || (eq >= 0 && tooLong(p.slice(eq + 1), limits.maxNameBytes))) return nameTooLong("tag key or value", limits);
  }
  return undefined;
}

function nameTooLong(what: string, limits: NameLimits): { reason: RejectReason; detail: string } {
  return { reason: "name_too_long", detail: `${what} longer than ${limits.maxNameBytes} bytes (max_name_length)` };
}

export const REJECT_LOG_INTERVAL = 60_000;

/** Counts refusals by reason and logs one sample per reason a minute. */
export class Rejections {
  readonly counts: Record<RejectReason, number> = { name_too_long: 0, too_many_tags: 0, idle_timeout: 0, too_many_connections: 0 };
  private readonly lastLog = new Map<RejectReason, number>();
  private readonly suppressed = new Map<RejectReason, number>();

  constructor(
    private readonly protocol: string,
    private readonly section: string,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Counts one refusal; logs it when none of this reason was logged in the last minute. */
  note(reason: RejectReason, fields: Readonly<Record<string, unknown>>): void {
    this.counts[reason]++;
    const now = this.clock.now();
    const last = this.lastLog.get(reason) ?? -Infinity;
    if (now - last < REJECT_LOG_INTERVAL) {
      this.suppressed.set(reason, (this.suppressed.get(reason) ?? 0) + 1);
      return;
    }
    this.lastLog.set(reason, now);
    const suppressed = this.suppressed.get(reason) ?? 0;
    this.suppressed.set(reason, 0);
    this.log.warn(`${this.protocol} input refused: ${reason.replace(/_/g, " ")}`, { reason, limit: `[${this.section}] ${REJECT_KEYS[reason]}`, ...fields, suppressed, total: this.counts[reason] });
  }

  /** /metrics entries: one counter per reason that applies to this protocol. */
  metrics(reasons: readonly RejectReason[] = REJECT_REASONS): { name: string; help: string; type: "counter"; labels: { reason: string }; value: number }[] {
    return reasons.map((reason) => ({
      name: `loupe_ingest_${this.protocol}_rejected_total`,
      help: `${this.protocol} input refused by an ingest limit ([${this.section}] max_name_length, max_tags, …), by reason`,
      type: "counter" as const,
      labels: { reason },
      value: this.counts[reason],
    }));
  }
}
