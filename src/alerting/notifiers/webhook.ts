/**
 * webhook: POSTs the JSON body of Alertmanager's webhook receiver (version 4), so consumers of
 * Alertmanager webhooks work unchanged.
 */
import { isoTime, postJson, type Notification, type Sender } from "./types.js";

export function webhookBody(n: Notification): Record<string, unknown> {
  return {
    version: "4",
    groupKey: n.groupKey,
    truncatedAlerts: 0,
    status: n.status,
    receiver: n.receiver,
    groupLabels: n.groupLabels,
    commonLabels: n.commonLabels,
    commonAnnotations: n.commonAnnotations,
    externalURL: n.externalURL,
    alerts: n.alerts.map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: isoTime(a.startsAt),
      endsAt: isoTime(a.endsAt),
      generatorURL: a.generatorURL,
      fingerprint: a.fingerprint,
    })),
  };
}

export function webhookSender(o: { readonly url: string; readonly bearerToken: string }): Sender {
  const headers: Record<string, string> = o.bearerToken !== "" ? { authorization: `Bearer ${o.bearerToken}` } : {};
  return { send: (n, signal) => postJson(o.url, webhookBody(n), signal, headers) };
}
