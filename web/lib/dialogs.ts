/** Small modal and popover helpers (no inline handlers or styles: CSP). */
import { h, type Child } from "./dom.js";

export interface Modal {
  readonly el: HTMLElement;
  close(): void;
}

export function openModal(title: string, content: Child[], buttons: HTMLElement[], id?: string): Modal {
  const box = h("div", { class: "modal", role: "dialog", "aria-label": title, ...(id ? { id } : {}) }, h("h3", {}, title), h("div", { class: "modal-body" }, ...content), h("div", { class: "modal-buttons" }, ...buttons));
  const backdrop = h("div", { class: "backdrop" }, box);
  const close = (): void => {
    backdrop.remove();
    document.removeEventListener("keydown", onKey);
  };
  const onKey = (e: KeyboardEvent): void => {
    if (e.key === "Escape") close();
  };
  backdrop.addEventListener("mousedown", (e) => {
    if (e.target === backdrop) close();
  });
  document.addEventListener("keydown", onKey);
  document.body.append(backdrop);
  box.querySelector<HTMLElement>("input, textarea, select")?.focus();
  return { el: box, close };
}

/** A popover at a page position (e.g. where a chart was clicked). */
export function openPopover(x: number, y: number, content: Child[], id?: string): Modal {
  const el = h("div", { class: "popover", ...(id ? { id } : {}) }, ...content);
  document.body.append(el);
  const w = el.offsetWidth;
  const ht = el.offsetHeight;
  el.style.left = `${Math.max(4, Math.min(x, window.innerWidth - w - 8)) + window.scrollX}px`;
  el.style.top = `${Math.max(4, Math.min(y + 8, window.innerHeight - ht - 8)) + window.scrollY}px`;
  const onDown = (e: MouseEvent): void => {
    if (!el.contains(e.target as Node)) close();
  };
  const onKey = (e: KeyboardEvent): void => {
    if (e.key === "Escape") close();
  };
  const close = (): void => {
    el.remove();
    document.removeEventListener("mousedown", onDown, true);
    document.removeEventListener("keydown", onKey);
  };
  setTimeout(() => document.addEventListener("mousedown", onDown, true), 0);
  document.addEventListener("keydown", onKey);
  el.querySelector<HTMLElement>("input, textarea")?.focus();
  return { el, close };
}

export function button(label: string, attrs: Record<string, string> = {}, onClick?: () => void): HTMLButtonElement {
  const b = h("button", { type: "button", class: "btn", ...attrs }, label);
  if (onClick) b.addEventListener("click", onClick);
  return b;
}

/** A short message in the corner. */
export function toast(text: string, kind: "ok" | "error" = "ok"): void {
  const el = h("div", { class: `toast ${kind}`, role: "status" }, text);
  document.body.append(el);
  setTimeout(() => el.remove(), kind === "error" ? 6000 : 3000);
}
