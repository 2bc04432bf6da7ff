/** email: one mail per notification over SMTP (nodemailer), STARTTLS when offered, optional auth. */
import { createTransport, type Transporter } from "nodemailer";
import { renderTemplate, formatValue } from "../template.js";
import type { Notification, Sender } from "./types.js";

export interface EmailOptions {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly requireTls: boolean;
  readonly user: string;
  readonly password: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly timeoutMs: number;
}

export function emailContent(n: Notification, subjectTemplate: string): { subject: string; text: string } {
  const subject = renderTemplate(subjectTemplate, { status: n.status, labels: n.commonLabels, count: n.alerts.length }).replace(/[\r\n]+/g, " ");
  const blocks = n.alerts.map((a) => {
    const lines = [`[${a.status.toUpperCase()}] ${a.labels["alertname"] ?? ""} (value ${formatValue(a.value)})`, `  since ${new Date(a.startsAt).toISOString()}${a.endsAt !== null ? `, resolved ${new Date(a.endsAt).toISOString()}` : ""}`];
    for (const [k, v] of Object.entries(a.annotations)) lines.push(`  ${k}: ${v}`);
    lines.push(`  labels: ${Object.entries(a.labels).map(([k, v]) => `${k}=${v}`).join(", ")}`);
    return lines.join("\n");
  });
  return { subject, text: `${blocks.join("\n\n")}\n\n${n.externalURL}alerts\n` };
}

export function emailSender(o: EmailOptions): Sender {
  const transport: Transporter = createTransport({
    host: o.host,
    port: o.port,
    secure: o.secure,
    requireTLS: o.requireTls,
    ...(o.user !== "" ? { auth: { user: o.user, pass: o.password } } : {}),
    connectionTimeout: o.timeoutMs,
    greetingTimeout: o.timeoutMs,
    socketTimeout: o.timeoutMs,
    tls: { servername: o.host },
  });
  return {
    async send(n) {
      const { subject, text } = emailContent(n, o.subject);
      await transport.sendMail({ from: o.from, to: [...o.to], subject, text });
    },
    close: () => transport.close(),
  };
}
