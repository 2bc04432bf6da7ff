/**
 * Who is asking: the role a user or token holds and the principal the auth pipeline puts on each
 * request (`res.locals.principal`). Declared here, in the auth module that produces them; src/http
 * re-exports them with the route guard (src/http/access.ts) that reads them.
 */
export type Role = "Viewer" | "Editor" | "Admin";

export interface Principal {
  readonly kind: "user" | "token" | "anonymous" | "open";
  readonly role: Role;
  readonly userId?: number;
  readonly login?: string;
  readonly name?: string;
  /** API tokens are scoped: a read token never writes. */
  readonly scope?: "read" | "write";
}

/** With no auth provider configured (Loupe then serves on loopback only) every request is the local operator. */
export const OPEN_PRINCIPAL: Principal = Object.freeze({ kind: "open", role: "Admin", login: "local" });

const RANK: Record<Role, number> = { Viewer: 1, Editor: 2, Admin: 3 };

export function roleAtLeast(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}
