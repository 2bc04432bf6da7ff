/**
 * The dashboard's variable bar: a select per single-value variable, a button with a checkbox list per
 * multi-value one (applied as you tick). Read-only on a snapshot.
 */
import { clear, h } from "./dom.js";
import { ALL, type VarState } from "./variables.js";

export interface VariableBarOptions {
  /** Snapshots show the values they were taken with. */
  readonly disabled: boolean;
  /** A selection changed; `rerender` false when the control already shows it (the multi-value list). */
  onChange(name: string, rerender: boolean): void;
}

const label = (c: string): string => (c === ALL ? "All" : c);

function singleSelect(v: VarState, choices: string[], options: VariableBarOptions): HTMLElement {
  const sel = h("select", { id: `var-${v.name}`, "data-var": v.name, disabled: options.disabled });
  for (const c of choices) sel.append(h("option", { value: c, selected: v.selected.includes(c) }, label(c)));
  sel.addEventListener("change", () => {
    v.selected = [sel.value];
    options.onChange(v.name, true);
  });
  return h("label", { class: "var" }, h("span", {}, v.label), sel);
}

function multiSelect(v: VarState, choices: string[], options: VariableBarOptions): HTMLElement {
  const text = (): string => (v.selected.length === 0 ? "None" : v.selected.map(label).join(" + "));
  const btn = h("button", { type: "button", class: "var-button", id: `var-${v.name}`, "data-var": v.name, disabled: options.disabled, title: text() }, text());
  const menu = h("div", { class: "dropdown var-menu", id: `var-${v.name}-menu`, hidden: true });
  for (const c of choices) {
    const cb = h("input", { type: "checkbox", value: c, checked: v.selected.includes(c) });
    cb.addEventListener("change", () => {
      let next = v.selected.filter((x) => x !== c);
      if (cb.checked) next = c === ALL ? [ALL] : [...next.filter((x) => x !== ALL), c];
      if (next.length === 0) next = v.includeAll ? [ALL] : v.options.slice(0, 1);
      v.selected = choices.filter((x) => next.includes(x));
      for (const other of Array.from(menu.querySelectorAll<HTMLInputElement>("input"))) other.checked = v.selected.includes(other.value);
      btn.textContent = text();
      btn.title = text();
      options.onChange(v.name, false);
    });
    menu.append(h("label", { class: "check" }, cb, label(c)));
  }
  btn.addEventListener("click", () => (menu.hidden = !menu.hidden));
  document.addEventListener("mousedown", (e) => {
    if (!menu.hidden && !menu.contains(e.target as Node) && e.target !== btn) menu.hidden = true;
  });
  return h("div", { class: "var" }, h("span", {}, v.label), h("span", { class: "var-wrap" }, btn, menu));
}

export function renderVariableBar(bar: HTMLElement, vars: readonly VarState[], options: VariableBarOptions): void {
  clear(bar);
  bar.hidden = vars.length === 0;
  for (const v of vars) {
    const choices = [...(v.includeAll ? [ALL] : []), ...v.options];
    bar.append(v.multi ? multiSelect(v, choices, options) : singleSelect(v, choices, options));
  }
}
