/** Dashboard uids: `[A-Za-z0-9_-]{1,40}`, random or derived from a title. */
import { randomBytes } from "node:crypto";

export const UID_RE = /^[A-Za-z0-9_-]{1,40}$/;

/** 12 random URL-safe characters. */
export function newUid(): string {
  return randomBytes(9).toString("base64url");
}

/** `"Node Exporter / Full"` → `node-exporter-full`; a random uid when nothing is left. */
export function uidFromTitle(title: string): string {
  const slug = title
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return slug === "" ? newUid() : slug;
}
