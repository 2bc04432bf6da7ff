/** Minimal cookie parsing and writing (the few cookies Loupe sets need no library). */

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (header === undefined || header === "") return out;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    const name = part.slice(0, i).trim();
    let value = part.slice(i + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (name === "" || out.has(name)) continue;
    try {
      out.set(name, decodeURIComponent(value));
    } catch {
      out.set(name, value);
    }
  }
  return out;
}

export interface CookieOptions {
  readonly maxAgeMs?: number;
  readonly httpOnly?: boolean;
  readonly secure?: boolean;
  readonly sameSite?: "Lax" | "Strict";
  readonly path?: string;
}

export function serializeCookie(name: string, value: string, o: CookieOptions = {}): string {
  let s = `${name}=${encodeURIComponent(value)}; Path=${o.path ?? "/"}`;
  if (o.maxAgeMs !== undefined) s += `; Max-Age=${Math.max(0, Math.floor(o.maxAgeMs / 1000))}`;
  if (o.httpOnly ?? true) s += "; HttpOnly";
  if (o.secure === true) s += "; Secure";
  s += `; SameSite=${o.sameSite ?? "Lax"}`;
  return s;
}
