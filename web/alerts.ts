/** Alerts page (silences, rule deletion) and the rule editor (preview, 7-day backtest, save). */
import { initCommon } from "./lib/theme.js";
import { sendJson, postJson } from "./lib/api.js";
import { toast } from "./lib/dialogs.js";
import { byId, clear, h, pageData } from "./lib/dom.js";

initCommon();

interface Matcher {
  name: string;
  op: string;
  value: string;
}

function parseMatchers(text: string): Matcher[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(.*)$/.exec(s);
      if (m === null) throw new Error(`"${s}" is not a matcher (name=value, name!=value, name=~regex, name!~regex)`);
      return { name: m[1]!, op: m[2]!, value: m[3]!.replace(/^"(.*)"$/, "$1") };
    });
}

const fail = (what: string) => (e: Error) => toast(`${what}: ${e.message}`, "error");

// ---- Alerts page ----

const silenceForm = byId<HTMLFormElement>("silence-form");
silenceForm?.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const data = new FormData(silenceForm);
  let matchers: Matcher[];
  try {
    matchers = parseMatchers(String(data.get("matchers") ?? ""));
  } catch (e) {
    return toast((e as Error).message, "error");
  }
  postJson("/api/silences", { matchers, duration: String(data.get("duration") ?? "2h"), comment: String(data.get("comment") ?? "") })
    .then(() => location.reload())
    .catch(fail("Could not add the silence"));
});

for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>("button.silence-this"))) {
  b.addEventListener("click", () => {
    if (silenceForm === null) return;
    const ms = JSON.parse(b.dataset["matchers"] ?? "[]") as Matcher[];
    const input = silenceForm.elements.namedItem("matchers") as HTMLInputElement;
    input.value = ms.map((m) => `${m.name}${m.op}${m.value}`).join(", ");
    (silenceForm.elements.namedItem("comment") as HTMLInputElement).focus();
  });
}

for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>("button.silence-expire"))) {
  b.addEventListener("click", () => {
    b.disabled = true;
    sendJson("DELETE", `/api/silences/${encodeURIComponent(b.dataset["id"] ?? "")}`)
      .then(() => b.closest("tr")?.remove())
      .catch((e: Error) => {
        b.disabled = false;
        fail("Could not expire")(e);
      });
  });
}

for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>("button.rule-delete"))) {
  b.addEventListener("click", () => {
    if (!confirm(`Delete rule ${b.dataset["uid"] ?? ""}?`)) return;
    sendJson("DELETE", `/api/alert-rules/${encodeURIComponent(b.dataset["uid"] ?? "")}`)
      .then(() => b.closest("tr")?.remove())
      .catch(fail("Could not delete"));
  });
}

// ---- rule editor ----

const form = byId<HTMLFormElement>("rule-form");
const result = byId("rule-result");

function ruleBody(f: HTMLFormElement): Record<string, unknown> {
  const d = new FormData(f);
  const get = (k: string): string => String(d.get(k) ?? "").trim();
  const labels: Record<string, string> = {};
  for (const part of get("labels").split(",")) {
    const [k, ...v] = part.split("=");
    if (k !== undefined && k.trim() !== "") labels[k.trim()] = v.join("=").trim();
  }
  const threshold = Number(get("threshold"));
  return {
    alert: get("alert"),
    group: get("group"),
    ...(get("interval") !== "" ? { interval: get("interval") } : {}),
    expr: get("expr"),
    reduce: get("reduce"),
    window: get("window") || "5m",
    op: get("op"),
    threshold: get("threshold") === "" || Number.isNaN(threshold) ? get("threshold") : threshold,
    for: get("for") || "0",
    keep_firing_for: get("keep_firing_for") || "0",
    no_data: get("no_data"),
    labels,
    annotations: get("summary") !== "" ? { summary: get("summary") } : {},
  };
}

interface PreviewRow {
  series: string;
  value: number | null;
  matches: boolean;
}

interface Backtest {
  evaluations: number;
  series: number;
  step: number;
  resolution: number;
  firingPeriods: number;
  notifications: number;
  truncated: boolean;
  error?: string;
  fired: Array<{ series: string; firing: Array<{ from: number; to: number | null }> }>;
}

const when = (ms: number): string => new Date(ms).toISOString().replace("T", " ").slice(0, 16);

function show(...children: Node[]): void {
  if (result === null) return;
  clear(result);
  for (const c of children) result.appendChild(c);
}

if (form !== null) {
  const uid = pageData<{ uid: string | null }>().uid;
  byId("rule-preview")?.addEventListener("click", () => {
    postJson<{ rows: PreviewRow[]; truncated: boolean; error?: string }>("/api/alert-rules/preview", ruleBody(form))
      .then((p) => {
        if (p.error !== undefined) return show(h("div", { class: "alert-error" }, p.error));
        show(
          h("h4", {}, `Preview: ${p.rows.filter((r) => r.matches).length} of ${p.rows.length} series match now${p.truncated ? " (truncated)" : ""}`),
          h("table", { class: "list", id: "preview-table" }, h("tbody", {}, p.rows.map((r) => h("tr", {}, h("td", {}, r.series), h("td", {}, r.value === null ? "no data" : String(Math.round(r.value * 1e4) / 1e4)), h("td", {}, r.matches ? "would alert" : ""))))),
        );
      })
      .catch(fail("Preview failed"));
  });
  byId("rule-backtest")?.addEventListener("click", () => {
    show(h("div", { class: "empty" }, "Replaying the last 7 days…"));
    postJson<Backtest>("/api/alert-rules/backtest", { ...ruleBody(form), days: 7 })
      .then((b) => {
        if (b.error !== undefined) return show(h("div", { class: "alert-error" }, b.error));
        show(
          h("h4", {}, `Backtest: ${b.firingPeriods} firing period(s), ${b.notifications} notification(s) over ${b.series} series (${b.evaluations} evaluations every ${b.step / 1000} s${b.truncated ? ", series truncated" : ""})`),
          h(
            "table",
            { class: "list", id: "backtest-table" },
            h("tbody", {}, b.fired.flatMap((f) => f.firing.map((p) => h("tr", {}, h("td", {}, f.series), h("td", {}, when(p.from)), h("td", {}, p.to === null ? "still firing" : when(p.to)))))),
          ),
        );
      })
      .catch(fail("Backtest failed"));
  });
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const req = uid === null ? postJson("/api/alert-rules", ruleBody(form)) : sendJson("PUT", `/api/alert-rules/${encodeURIComponent(uid)}`, ruleBody(form));
    req.then(() => location.assign("/alerts")).catch(fail("Could not save"));
  });
}
