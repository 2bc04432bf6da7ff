/** Light/dark theme: the top-bar toggle flips `data-theme` on <html> and remembers it in a cookie the server reads. */
export type Theme = "light" | "dark";

export function currentTheme(): Theme {
  return document.documentElement.dataset["theme"] === "light" ? "light" : "dark";
}

export function setTheme(t: Theme): void {
  document.documentElement.dataset["theme"] = t;
  document.cookie = `loupe_theme=${t}; path=/; max-age=31536000; samesite=lax`;
  window.dispatchEvent(new CustomEvent("loupe:theme", { detail: t }));
}

/** Wires the toggle button; every page entry calls this once. */
export function initCommon(): void {
  const btn = document.getElementById("theme-toggle");
  btn?.addEventListener("click", () => setTheme(currentTheme() === "dark" ? "light" : "dark"));
}

/** A CSS custom property of the current theme (chart axes and grid read them). */
export function cssVar(name: string, fallback = ""): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v === "" ? fallback : v;
}

/** Series colours, readable on both themes (Grafana's classic palette). */
export const PALETTE = ["#7eb26d", "#eab839", "#6ed0e0", "#ef843c", "#e24d42", "#1f78c1", "#ba43a9", "#705da0", "#508642", "#cca300", "#447ebc", "#c15c17", "#890f02", "#0a437c", "#6d1f62", "#584477"];

export function seriesColor(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}
