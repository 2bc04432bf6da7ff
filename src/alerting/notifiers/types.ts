/** What a notifier sends: one group of alerts, shaped like Alertmanager's notification. */
import type { UnixMs } from "../../model/index.js";

export interface NotifiedAlert {
  readonly status: "firing" | "resolved";
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: UnixMs;
  /** When it resolved; null while firing. */
  readonly endsAt: UnixMs | null;
  readonly value: number | null;
  /** Stable identity (rule uid + series). */
  readonly fingerprint: string;
  readonly generatorURL: string;
}

export interface Notification {
  /** "firing" when any alert of the group fires. */
  readonly status: "firing" | "resolved";
  readonly receiver: string;
  readonly groupKey: string;
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly commonLabels: Readonly<Record<string, string>>;
  readonly commonAnnotations: Readonly<Record<string, string>>;
  readonly alerts: readonly NotifiedAlert[];
  readonly externalURL: string;
  /** When it is sent (endsAt hints for Alertmanager). */
  readonly now: UnixMs;
}

/** One destination type: encodes and delivers a notification, throwing on failure. */
export interface Sender {
  send(n: Notification, signal: AbortSignal): Promise<void>;
  close?(): void;
}

/** ms → RFC 3339, Alertmanager's zero time for "not set". */
export function isoTime(ms: UnixMs | null): string {
  return ms === null ? "0001-01-01T00:00:00Z" : new Date(ms).toISOString();
}

/**
 * POSTs JSON; throws with the status and the start of the body on a non-2xx answer. Errors name
 * only the host: webhook paths often hold a token (Slack's do), and errors reach logs and the UI.
 */
export async function postJson(url: string, body: unknown, signal: AbortSignal, headers: Readonly<Record<string, string>> = {}): Promise<void> {
  const host = new URL(url).host;
  let res: Response;
  try {
    res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body), signal });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`POST to ${host} failed: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) throw new Error(`POST to ${host} answered ${res.status}${text !== "" ? `: ${text.slice(0, 200)}` : ""}`);
}
