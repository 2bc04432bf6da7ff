/**
 * alertmanager: pushes alerts to an Alertmanager's `POST /api/v2/alerts`, as Prometheus does.
 * Firing alerts carry an endsAt a few resend periods ahead, so Alertmanager resolves them itself
 * if Loupe stops sending; resolved alerts carry their real endsAt.
 */
import { isoTime, postJson, type Notification, type Sender } from "./types.js";

export function alertmanagerBody(n: Notification, resendMs: number): unknown[] {
  return n.alerts.map((a) => ({
    labels: a.labels,
    annotations: a.annotations,
    startsAt: isoTime(a.startsAt),
    endsAt: isoTime(a.status === "firing" ? n.now + 4 * resendMs : (a.endsAt ?? n.now)),
    generatorURL: a.generatorURL,
  }));
}

export function alertmanagerSender(o: { readonly url: string; readonly bearerToken: string; readonly resendMs: number }): Sender {
  const url = `${o.url.replace(/\/+$/, "")}/api/v2/alerts`;
  const headers: Record<string, string> = o.bearerToken !== "" ? { authorization: `Bearer ${o.bearerToken}` } : {};
  return { send: (n, signal) => postJson(url, alertmanagerBody(n, o.resendMs), signal, headers) };
}
