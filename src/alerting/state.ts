/**
 * The state machine of one alert instance, pure: previous instance + this evaluation's outcome →
 * next instance (or none) and the state change to record.
 *
 *   normal ─cond─▶ pending ─(for elapsed)─▶ firing ─¬cond (after keep_firing_for)─▶ resolved
 *      ▲              │¬cond                                                         │ (kept until notified)
 *      └──────────────┘                                                              ▼
 *   no_data / error: rule-level states (the target returned nothing, or failed), never notified.
 */
import type { UnixMs } from "../model/index.js";
import type { AlertInstance, AlertState, Rule } from "./model.js";

export type Outcome =
  | { readonly kind: "true"; readonly value: number | null }
  | { readonly kind: "false"; readonly value: number | null }
  | { readonly kind: "no_data" }
  | { readonly kind: "error"; readonly message: string };

export interface Transition {
  /** The instance after this evaluation; undefined when it is back to normal and forgotten. */
  readonly next: AlertInstance | undefined;
  readonly from: AlertState;
  readonly to: AlertState;
}

/** The state an instance counts as for history ("resolved" is normal again). */
export function stateOf(i: AlertInstance | undefined): AlertState {
  return i === undefined || i.state === "resolved" ? "normal" : i.state;
}

export interface Identity {
  readonly fingerprint: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export function transition(rule: Rule, prev: AlertInstance | undefined, outcome: Outcome, id: Identity, now: UnixMs): Transition {
  const from = stateOf(prev);
  const base = { ruleUid: rule.uid, fingerprint: id.fingerprint, labels: id.labels, annotations: id.annotations, evaluatedAt: now };
  const active = prev !== undefined && (prev.state === "pending" || prev.state === "firing") ? prev : undefined;
  switch (outcome.kind) {
    case "true": {
      if (active?.state === "firing") return { next: { ...active, ...base, value: outcome.value, lastTrueAt: now }, from, to: "firing" };
      const activeAt = active?.activeAt ?? now;
      const fires = now - activeAt >= rule.for;
      const next: AlertInstance = { ...base, state: fires ? "firing" : "pending", value: outcome.value, activeAt, firedAt: fires ? now : null, resolvedAt: null, lastTrueAt: now };
      return { next, from, to: next.state as AlertState };
    }
    case "false": {
      if (active?.state === "firing") {
        const kept = rule.keep_firing_for > 0 && active.lastTrueAt !== null && now - active.lastTrueAt < rule.keep_firing_for;
        if (kept) return { next: { ...active, ...base, value: outcome.value }, from, to: "firing" };
        return { next: { ...active, ...base, state: "resolved", value: outcome.value, resolvedAt: now }, from, to: "normal" };
      }
      // a resolution not yet sent is kept; anything else returns to normal
      if (prev?.state === "resolved") return { next: prev, from, to: "normal" };
      return { next: undefined, from, to: "normal" };
    }
    case "no_data":
    case "error": {
      const to = outcome.kind;
      if (prev?.state === to) return { next: { ...prev, ...base }, from, to };
      return { next: { ...base, state: to, value: null, activeAt: now, firedAt: null, resolvedAt: null, lastTrueAt: null }, from, to };
    }
  }
}
