/**
 * Notification of one notifier, Alertmanager-style: alerts matching its route are grouped by
 * labels; a new group waits group_wait, changes (new firing, resolved) go out at most every
 * group_interval, an unchanged firing group is repeated every repeat_interval. What was sent is
 * persisted per instance, so a restart neither re-sends a firing alert nor forgets its resolution.
 * Failed deliveries are retried with a doubling backoff, then dropped and counted.
 */
import { errorMessage } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { UnixMs } from "../model/index.js";
import { matches } from "./matchers.js";
import type { AlertInstance, LabelMatcher } from "./model.js";
import type { NotifiedAlert, Notification, Sender } from "./notifiers/types.js";
import type { AlertStateStore, SentRecord } from "./ports.js";

export interface Route {
  readonly matchers: readonly LabelMatcher[];
  readonly groupBy: readonly string[];
  readonly groupWait: number;
  readonly groupInterval: number;
  readonly repeatInterval: number;
  readonly sendResolved: boolean;
  readonly timeout: number;
  readonly maxRetries: number;
  readonly retryBackoff: number;
}

export interface DispatchCounters {
  sent(notifier: string, alerts: number): void;
  attemptFailed(notifier: string): void;
  dropped(notifier: string): void;
}

export interface DispatcherOptions {
  readonly name: string;
  readonly type: string;
  readonly route: Route;
  readonly sender: Sender;
  readonly states: AlertStateStore;
  readonly log: Logger;
  readonly externalURL: string;
  readonly counters?: DispatchCounters;
}

export interface NotifierStatus {
  readonly name: string;
  readonly type: string;
  readonly lastSuccessAt: UnixMs | null;
  readonly lastError: string | null;
  readonly lastErrorAt: UnixMs | null;
  readonly failedAttempts: number;
  readonly dropped: number;
  readonly groups: number;
}

interface Group {
  readonly key: string;
  readonly labels: Record<string, string>;
  readonly firstSeen: UnixMs;
  lastSentAt: UnixMs | null;
  attempts: number;
  nextAttemptAt: UnixMs;
  inFlight: boolean;
}

const MAX_BACKOFF = 5 * 60_000;
export const instanceKey = (ruleUid: string, fingerprint: string): string => `${ruleUid}\u0000${fingerprint}`;

export class Dispatcher {
  private readonly sent = new Map<string, SentRecord>();
  private readonly groups = new Map<string, Group>();
  private st = { lastSuccessAt: null as UnixMs | null, lastError: null as string | null, lastErrorAt: null as UnixMs | null, failedAttempts: 0, dropped: 0 };

  constructor(private readonly o: DispatcherOptions) {
    for (const r of o.states.sent(o.name)) this.sent.set(instanceKey(r.ruleUid, r.fingerprint), r);
  }

  get name(): string {
    return this.o.name;
  }

  status(): NotifierStatus {
    return { name: this.o.name, type: this.o.type, ...this.st, groups: this.groups.size };
  }

  /** This notifier still owes the instance its resolution. */
  owesResolution(i: AlertInstance): boolean {
    return this.o.route.sendResolved && this.sent.get(instanceKey(i.ruleUid, i.fingerprint))?.status === "firing" && matches(i.labels, this.o.route.matchers);
  }

  /** Forgets what was sent for an instance that is gone. */
  forget(ruleUid: string, fingerprint: string): void {
    this.sent.delete(instanceKey(ruleUid, fingerprint));
  }

  private groupOf(i: AlertInstance): { key: string; labels: Record<string, string> } {
    const by = this.o.route.groupBy;
    const labels: Record<string, string> = {};
    if (by.includes("...")) Object.assign(labels, i.labels);
    else for (const k of by) if (i.labels[k] !== undefined) labels[k] = i.labels[k]!;
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
    return { key, labels };
  }

  /**
   * Sends what is due at `now`. `instances` are every current instance; silenced firing ones are
   * held back. Resolves when the sends started by this tick have finished.
   */
  async tick(now: UnixMs, instances: readonly AlertInstance[], silenced: (labels: Readonly<Record<string, string>>) => boolean): Promise<void> {
    const byGroup = new Map<string, { labels: Record<string, string>; firing: AlertInstance[]; resolved: AlertInstance[] }>();
    for (const i of instances) {
      if (!matches(i.labels, this.o.route.matchers)) continue;
      const firing = i.state === "firing" && !silenced(i.labels);
      const resolved = i.state === "resolved" && this.owesResolution(i);
      if (!firing && !resolved) continue;
      const g = this.groupOf(i);
      let e = byGroup.get(g.key);
      if (e === undefined) byGroup.set(g.key, (e = { labels: g.labels, firing: [], resolved: [] }));
      (firing ? e.firing : e.resolved).push(i);
    }
    for (const key of this.groups.keys()) if (!byGroup.has(key) && this.groups.get(key)!.inFlight === false) this.groups.delete(key);
    const sends: Promise<void>[] = [];
    for (const [key, e] of byGroup) {
      let g = this.groups.get(key);
      if (g === undefined) {
        const members = [...e.firing, ...e.resolved].map((i) => this.sent.get(instanceKey(i.ruleUid, i.fingerprint))?.sentAt ?? 0);
        const last = Math.max(0, ...members);
        g = { key, labels: e.labels, firstSeen: now, lastSentAt: last > 0 ? last : null, attempts: 0, nextAttemptAt: 0, inFlight: false };
        this.groups.set(key, g);
      }
      if (g.inFlight || now < g.nextAttemptAt) continue;
      const changed = e.resolved.length > 0 || e.firing.some((i) => this.sent.get(instanceKey(i.ruleUid, i.fingerprint))?.status !== "firing");
      const r = this.o.route;
      const due = g.lastSentAt === null ? now >= g.firstSeen + r.groupWait : changed ? now >= g.lastSentAt + r.groupInterval : e.firing.length > 0 && now >= g.lastSentAt + r.repeatInterval;
      if (due) sends.push(this.send(g, e.firing, e.resolved, now));
    }
    await Promise.all(sends);
  }

  private notification(g: Group, firing: readonly AlertInstance[], resolved: readonly AlertInstance[], now: UnixMs): Notification {
    const alerts: NotifiedAlert[] = [...firing, ...resolved].map((i) => ({
      status: i.state === "firing" ? "firing" : "resolved",
      labels: i.labels,
      annotations: i.annotations,
      startsAt: i.firedAt ?? i.activeAt,
      endsAt: i.state === "firing" ? null : (i.resolvedAt ?? now),
      value: i.value,
      fingerprint: fingerprintOf(i),
      generatorURL: `${this.o.externalURL}alerts?rule=${encodeURIComponent(i.ruleUid)}`,
    }));
    return {
      status: firing.length > 0 ? "firing" : "resolved",
      receiver: this.o.name,
      groupKey: `{}:${g.key}`,
      groupLabels: g.labels,
      commonLabels: common(alerts.map((a) => a.labels)),
      commonAnnotations: common(alerts.map((a) => a.annotations)),
      alerts,
      externalURL: this.o.externalURL,
      now,
    };
  }

  private async send(g: Group, firing: readonly AlertInstance[], resolved: readonly AlertInstance[], now: UnixMs): Promise<void> {
    const n = this.notification(g, firing, resolved, now);
    g.inFlight = true;
    try {
      await this.o.sender.send(n, AbortSignal.timeout(this.o.route.timeout));
      const records: SentRecord[] = [...firing.map((i) => rec(i, "firing", now)), ...resolved.map((i) => rec(i, "resolved", now))];
      for (const r of records) this.sent.set(instanceKey(r.ruleUid, r.fingerprint), r);
      this.o.states.recordSent(this.o.name, records);
      g.lastSentAt = now;
      g.attempts = 0;
      g.nextAttemptAt = 0;
      this.st.lastSuccessAt = now;
      this.o.counters?.sent(this.o.name, n.alerts.length);
      this.o.log.info("notification sent", { notifier: this.o.name, status: n.status, alerts: n.alerts.length });
    } catch (err) {
      const message = errorMessage(err);
      g.attempts++;
      this.st.failedAttempts++;
      this.st.lastError = message;
      this.st.lastErrorAt = now;
      this.o.counters?.attemptFailed(this.o.name);
      if (g.attempts > this.o.route.maxRetries) {
        // given up: counted; the group is tried again after group_interval
        this.st.dropped++;
        this.o.counters?.dropped(this.o.name);
        this.o.log.error("notification dropped after retries", { notifier: this.o.name, attempts: g.attempts, err: message });
        g.attempts = 0;
        g.nextAttemptAt = now + this.o.route.groupInterval;
      } else {
        g.nextAttemptAt = now + Math.min(MAX_BACKOFF, this.o.route.retryBackoff * 2 ** (g.attempts - 1));
        this.o.log.warn("notification failed, will retry", { notifier: this.o.name, attempt: g.attempts, err: message });
      }
    } finally {
      g.inFlight = false;
    }
  }
}

function rec(i: AlertInstance, status: "firing" | "resolved", at: UnixMs): SentRecord {
  return { ruleUid: i.ruleUid, fingerprint: i.fingerprint, status, sentAt: at };
}

/** A short stable hex id of an instance (Alertmanager shows fingerprints). */
export function fingerprintOf(i: Pick<AlertInstance, "ruleUid" | "fingerprint">): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  const s = instanceKey(i.ruleUid, i.fingerprint);
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return h1.toString(16).padStart(8, "0") + h2.toString(16).padStart(8, "0");
}

function common(maps: ReadonlyArray<Readonly<Record<string, string>>>): Record<string, string> {
  if (maps.length === 0) return {};
  const out: Record<string, string> = { ...maps[0] };
  for (const m of maps.slice(1)) for (const k of Object.keys(out)) if (m[k] !== out[k]) delete out[k];
  return out;
}
