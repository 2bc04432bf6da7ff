/**
 * The time controls in the top bar: shift earlier, range picker (quick ranges + absolute from/to),
 * shift later, zoom out, refresh now, auto-refresh interval.
 */
import { h, clear } from "./dom.js";
import { QUICK_RANGES, REFRESH_CHOICES, describeRange, formatDateTime, parseDateTime, resolveRange, type RawRange } from "./time.js";

export interface TimeControlsHandlers {
  setRange(r: RawRange): void;
  shift(dir: -1 | 1): void;
  zoomOut(): void;
  refreshNow(): void;
  setRefresh(interval: string): void;
}

export interface TimeControls {
  readonly el: HTMLElement;
  update(range: RawRange, refresh: string): void;
}

export function timeControls(handlers: TimeControlsHandlers): TimeControls {
  const label = h("span", { class: "range-label" });
  const rangeBtn = h("button", { type: "button", class: "btn", id: "range-button", title: "Time range" }, label);
  const menu = h("div", { class: "dropdown range-menu", hidden: true, id: "range-menu" });
  const fromIn = h("input", { type: "text", id: "range-from", placeholder: "now-6h or 2024-01-01 10:00", autocomplete: "off" });
  const toIn = h("input", { type: "text", id: "range-to", placeholder: "now", autocomplete: "off" });
  const err = h("div", { class: "error-text" });
  const apply = h("button", { type: "button", class: "btn primary", id: "range-apply" }, "Apply");
  const quick = h("ul", { class: "quick" });
  for (const q of QUICK_RANGES) {
    const b = h("button", { type: "button", class: "link", "data-from": q.from }, q.label);
    b.addEventListener("click", () => {
      menu.hidden = true;
      handlers.setRange({ from: q.from, to: "now" });
    });
    quick.append(h("li", {}, b));
  }
  menu.append(
    h("div", { class: "abs" }, h("h4", {}, "Absolute range"), h("label", {}, "From", fromIn), h("label", {}, "To", toIn), err, apply),
    h("div", { class: "quick-col" }, h("h4", {}, "Quick ranges"), quick),
  );
  apply.addEventListener("click", () => {
    const now = Date.now();
    const f = fromIn.value.trim();
    const t = toIn.value.trim();
    const fm = parseDateTime(f, now);
    const tm = parseDateTime(t, now);
    if (fm === undefined || tm === undefined || fm >= tm) {
      err.textContent = "Enter a start before the end (now-6h, 2024-01-31 10:00, …)";
      return;
    }
    err.textContent = "";
    menu.hidden = true;
    handlers.setRange({ from: f.startsWith("now") ? f : String(fm), to: t.startsWith("now") ? t : String(tm) });
  });
  rangeBtn.addEventListener("click", () => {
    menu.hidden = !menu.hidden;
  });
  document.addEventListener("click", (e) => {
    if (!menu.hidden && !menu.contains(e.target as Node) && !rangeBtn.contains(e.target as Node)) menu.hidden = true;
  });

  const earlier = h("button", { type: "button", class: "btn icon", id: "shift-earlier", title: "Earlier (Shift+←)" }, "‹");
  const later = h("button", { type: "button", class: "btn icon", id: "shift-later", title: "Later (Shift+→)" }, "›");
  const zoom = h("button", { type: "button", class: "btn icon", id: "zoom-out", title: "Zoom out (Ctrl+Z)" }, "⊖");
  const refreshBtn = h("button", { type: "button", class: "btn icon", id: "refresh-now", title: "Refresh (R)" }, "↻");
  const refreshSel = h("select", { id: "refresh-select", title: "Auto-refresh", class: "refresh-select" });
  earlier.addEventListener("click", () => handlers.shift(-1));
  later.addEventListener("click", () => handlers.shift(1));
  zoom.addEventListener("click", () => handlers.zoomOut());
  refreshBtn.addEventListener("click", () => handlers.refreshNow());
  refreshSel.addEventListener("change", () => handlers.setRefresh(refreshSel.value));

  const el = h("div", { class: "time-controls" }, earlier, h("span", { class: "range-wrap" }, rangeBtn, menu), later, zoom, refreshBtn, refreshSel);
  return {
    el,
    update(range: RawRange, refresh: string) {
      const now = Date.now();
      label.textContent = describeRange(range, now);
      const abs = resolveRange(range, now);
      fromIn.value = range.from.startsWith("now") ? range.from : formatDateTime(abs.from);
      toIn.value = range.to.startsWith("now") ? range.to : formatDateTime(abs.to);
      clear(refreshSel);
      const choices = REFRESH_CHOICES.includes(refresh) ? REFRESH_CHOICES : [...REFRESH_CHOICES, refresh];
      for (const c of choices) refreshSel.append(h("option", { value: c, selected: c === refresh }, c === "" ? "Off" : c));
    },
  };
}
