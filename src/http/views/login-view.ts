/**
 * The sign-in page: a centred card (web/loupe.css `.login-card`, a fixed sensible width) with a
 * button per redirect provider (GitHub, generic OAuth) and the login form when LDAP or local users
 * are on (the auth proxy signs in before this page is ever seen). After a refused local login the login name typed is
 * kept (it comes back as ?login=…) and the password field gets the focus.
 */
import type { LoginProvider } from "../../auth/index.js";
import { html, type SafeHtml } from "./html.js";

export interface LoginFormView {
  readonly csrf: string;
  /** Where to go after signing in (already made safe). */
  readonly next: string;
  readonly message: string | undefined;
  /** Enabled providers (auth/provider.ts loginProviders). */
  readonly providers: readonly LoginProvider[];
  /** The login name to show in the field (kept after a refused attempt). */
  readonly login: string;
}

function localForm(v: LoginFormView): SafeHtml {
  const keep = v.login !== "";
  return html`<form method="post" action="/login" class="stack" id="login-form">
    <input type="hidden" name="_csrf" value="${v.csrf}">
    <input type="hidden" name="next" value="${v.next}">
    <label>Login <input type="text" name="login" id="login-name" value="${v.login}" autocomplete="username" required maxlength="200" ${keep ? "" : html`autofocus`}></label>
    <label>Password <input name="password" id="login-password" type="password" autocomplete="current-password" required ${keep ? html`autofocus` : ""}></label>
    <button class="btn primary" type="submit">Sign in</button>
  </form>`;
}

export function loginCard(v: LoginFormView): SafeHtml {
  const nextQ = v.next === "/" ? "" : `?next=${encodeURIComponent(v.next)}`;
  const redirects = v.providers.filter((p) => p.kind === "redirect" && p.href !== undefined);
  return html`<section class="card stack login login-card" id="login-card">
  <h1>Sign in to Loupe</h1>
  ${v.message !== undefined ? html`<p class="error-text" role="alert" id="login-error">${v.message}</p>` : ""}
  ${redirects.length > 0
    ? html`<p class="login-providers">${redirects.map((p) => html`<a class="btn primary" id="login-${p.id.replace("_", "-")}" href="${p.href!}${nextQ}">Sign in with ${p.label}</a> `)}</p>`
    : ""}
  ${v.providers.some((p) => p.kind === "form") ? localForm(v) : ""}
</section>`;
}
