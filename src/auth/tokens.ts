/**
 * API tokens: created by Admins, shown once, stored as SHA-256 hashes, scoped read or write.
 * A read token acts as a Viewer, a write token as an Editor (it can send metrics and edit
 * dashboards, never manage users or tokens).
 */
import type { Role } from "./principal.js";
import type { Clock } from "../lib/clock.js";
import { BadRequestError, NotFoundError } from "../lib/errors.js";
import type { AuthStores, TokenRow, TokenScope } from "../store/index.js";
import { randomToken, sha256Hex } from "./secrets.js";

export const TOKEN_PREFIX = "loupe_";
const TOUCH_EVERY_MS = 60_000;

export function roleOfScope(scope: TokenScope): Role {
  return scope === "write" ? "Editor" : "Viewer";
}

export class TokenService {
  constructor(
    private readonly stores: AuthStores,
    private readonly clock: Clock,
  ) {}

  create(name: string, scope: TokenScope, createdBy: number | null): { token: string; row: TokenRow } {
    const clean = name.trim();
    if (clean === "" || clean.length > 100) throw new BadRequestError("a token needs a name of 1 to 100 characters", "invalid_token_name");
    const token = TOKEN_PREFIX + randomToken(32);
    const row = this.stores.tokens.insert({ name: clean, prefix: token.slice(0, TOKEN_PREFIX.length + 6), tokenHash: sha256Hex(token), scope, createdBy, createdAt: this.clock.now() });
    return { token, row };
  }

  list(): TokenRow[] {
    return this.stores.tokens.list();
  }

  revoke(id: number): void {
    if (!this.stores.tokens.delete(id)) throw new NotFoundError(`no API token ${id}`, "token_not_found");
  }

  resolve(token: string): TokenRow | undefined {
    if (token.length < 20 || token.length > 200) return undefined;
    const row = this.stores.tokens.byHash(sha256Hex(token));
    if (row === undefined) return undefined;
    const now = this.clock.now();
    if (row.lastUsedAt === null || now - row.lastUsedAt >= TOUCH_EVERY_MS) this.stores.tokens.touch(row.id, now);
    return row;
  }
}
