/** SQL for auth: users, sessions, API tokens. */
import type { Db } from "../db.js";
import { SessionStore } from "./sessions.js";
import { TokenStore } from "./tokens.js";
import { UserStore } from "./users.js";

export { UserStore, SessionStore, TokenStore };
export type { UserRow, NewUser, UserRole, UserProvider } from "./users.js";
export type { SessionRow } from "./sessions.js";
export type { TokenRow, TokenScope } from "./tokens.js";

export interface AuthStores {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly tokens: TokenStore;
}

export function openAuthStores(db: Db): AuthStores {
  return { users: new UserStore(db), sessions: new SessionStore(db), tokens: new TokenStore(db) };
}
