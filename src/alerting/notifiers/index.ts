/** Builds the sender of a `[notifier.<name>]` section by its type. */
import type { NotifierConfig } from "../notifier-config.js";
import { alertmanagerSender } from "./alertmanager.js";
import { emailSender } from "./email.js";
import { slackSender } from "./slack.js";
import type { Sender } from "./types.js";
import { webhookSender } from "./webhook.js";

export type { Sender, Notification, NotifiedAlert } from "./types.js";
export { webhookBody } from "./webhook.js";
export { slackBody } from "./slack.js";
export { alertmanagerBody } from "./alertmanager.js";
export { emailContent } from "./email.js";

/** Alertmanager forgets alerts not re-sent: firing alerts go to it at least this often. */
export const ALERTMANAGER_RESEND_MS = 60_000;

export function createSender(n: NotifierConfig): Sender {
  switch (n.type) {
    case "webhook":
      return webhookSender({ url: n.url, bearerToken: n.bearer_token });
    case "slack":
      return slackSender({ url: n.url, subject: n.subject });
    case "alertmanager":
      return alertmanagerSender({ url: n.url, bearerToken: n.bearer_token, resendMs: Math.min(n.repeat_interval, ALERTMANAGER_RESEND_MS) });
    case "email":
      return emailSender({
        host: n.smtp_host,
        port: n.smtp_port,
        secure: n.smtp_secure,
        requireTls: n.smtp_require_tls,
        user: n.smtp_user,
        password: n.smtp_password,
        from: n.from,
        to: n.to,
        subject: n.subject,
        timeoutMs: n.timeout,
      });
  }
}
