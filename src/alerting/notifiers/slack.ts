/** slack: a Slack (or Mattermost) incoming-webhook message, one line per alert. */
import { renderTemplate } from "../template.js";
import { postJson, type Notification, type Sender } from "./types.js";

export function slackBody(n: Notification, subject: string): Record<string, unknown> {
  const title = renderTemplate(subject, { status: n.status, labels: n.commonLabels, count: n.alerts.length });
  const lines = n.alerts.map((a) => {
    const what = a.annotations["summary"] ?? a.annotations["description"] ?? Object.entries(a.labels).map(([k, v]) => `${k}=${v}`).join(" ");
    return `${a.status === "firing" ? ":red_circle:" : ":large_green_circle:"} ${what}`;
  });
  return {
    text: `*${title}*\n${lines.join("\n")}`,
    attachments: [{ color: n.status === "firing" ? "danger" : "good", title, text: lines.join("\n"), title_link: n.externalURL }],
  };
}

export function slackSender(o: { readonly url: string; readonly subject: string }): Sender {
  return { send: (n, signal) => postJson(o.url, slackBody(n, o.subject), signal) };
}
