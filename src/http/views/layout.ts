/**
 * The page shell every server-rendered page uses (dashboards, explore, settings, login, admin):
 * top bar with navigation, theme, CSRF meta tag, and the page's own scripts. No inline script or
 * style (CSP): data reaches scripts through `jsonScript(...)` blocks placed in `body`.
 *
 *   res.type("html").send(renderLayout({ title: "Home", body, principal, csrfToken }));
 */
import type { Request, Response } from "express";
import type { Principal } from "../access.js";
import { html, type SafeHtml } from "./html.js";
import { assetUrl } from "./assets.js";

export type Theme = "light" | "dark";

/** Top-bar entries; `nav` marks the current one. */
export type NavKey = "home" | "dashboards" | "explore" | "hosts" | "alerts" | "annotations" | "settings" | "admin" | "login" | "none";

export interface LayoutOptions {
  readonly title: string;
  readonly body: SafeHtml;
  readonly principal?: Principal | undefined;
  readonly csrfToken?: string | undefined;
  /** Defaults to dark. Pages pass `themeOf(req)` (the `loupe_theme` cookie the toggle sets). */
  readonly theme?: Theme | undefined;
  /** Module scripts under /public/, e.g. ["dashboard.js"] (each page bundle wires the theme toggle); default ["common.js"]. */
  readonly scripts?: readonly string[] | undefined;
  readonly nav?: NavKey | undefined;
  /** Extra top-bar content (right side), e.g. a dashboard's time picker. */
  readonly toolbar?: SafeHtml | undefined;
  /** Full-width page without padding (dashboards). */
  readonly wide?: boolean | undefined;
}

const NAV: ReadonlyArray<{ key: NavKey; href: string; label: string; admin?: boolean }> = [
  { key: "dashboards", href: "/dashboards", label: "Dashboards" },
  { key: "explore", href: "/explore", label: "Explore" },
  { key: "hosts", href: "/hosts", label: "Hosts" },
  { key: "alerts", href: "/alerts", label: "Alerts" },
  { key: "annotations", href: "/annotations", label: "Annotations" },
  { key: "settings", href: "/settings", label: "Settings" },
  { key: "admin", href: "/admin", label: "Admin", admin: true },
];

/** The theme from the `loupe_theme` cookie (set by the toggle in the top bar). */
export function themeOf(req: Request): Theme {
  const m = /(?:^|;\s*)loupe_theme=(light|dark)\b/.exec(req.headers.cookie ?? "");
  return m?.[1] === "light" ? "light" : "dark";
}

export function renderLayout(o: LayoutOptions): string {
  const theme = o.theme ?? "dark";
  const p = o.principal;
  const who = p === undefined ? undefined : p.name ?? p.login ?? p.kind;
  // Page bundles include the theme toggle themselves; pages without one get common.js (one script per page).
  const scripts = o.scripts !== undefined && o.scripts.length > 0 ? o.scripts : ["common.js"];
  const nav = NAV.filter((n) => !n.admin || p?.role === "Admin");
  const page = html`<!doctype html>
<html lang="en" data-theme="${theme}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${o.csrfToken ?? ""}">
<title>${o.title} · Loupe</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${assetUrl("loupe.css")}">
${scripts.map((s) => html`<script type="module" src="${assetUrl(s)}"></script>`)}
</head>
<body>
<header class="topbar">
  <a class="brand" href="/">Loupe</a>
  ${p === undefined
    ? ""
    : html`<nav class="mainnav">${nav.map((n) => html`<a href="${n.href}" class="${n.key === o.nav ? "active" : ""}">${n.label}</a>`)}</nav>`}
  <div class="toolbar">${o.toolbar ?? ""}</div>
  <button type="button" class="btn icon" id="theme-toggle" title="Switch light/dark theme" aria-label="Switch theme">◐</button>
  ${who === undefined || p?.kind === "open"
    ? ""
    : html`<span class="who" title="${p?.role ?? ""}">${who}</span>
      ${p?.kind === "user"
        ? html`<form method="post" action="/logout" class="inline"><input type="hidden" name="_csrf" value="${o.csrfToken ?? ""}"><button class="btn link" type="submit">Sign out</button></form>`
        : ""}`}
</header>
<main class="${o.wide ? "page wide" : "page"}">
${o.body}
</main>
</body>
</html>`;
  return page.value;
}

/** Renders with principal and CSRF token taken from `res.locals` and the theme from the cookie. */
export function sendPage(req: Request, res: Response, o: Omit<LayoutOptions, "principal" | "csrfToken" | "theme">): void {
  const locals = res.locals as { principal?: Principal; csrfToken?: string };
  res
    .type("html")
    .setHeader("Cache-Control", "no-store")
    .send(renderLayout({ ...o, principal: locals.principal, csrfToken: locals.csrfToken, theme: themeOf(req) }));
}
