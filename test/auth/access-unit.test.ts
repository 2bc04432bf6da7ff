// access(level) (src/http/access.ts) as a pure middleware, every principal kind × role × scope against
// every level: next() with nothing, a 401, or a 403 naming the missing role / the read-only token.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { NextFunction, Request, Response } from "express";
import { access, OPEN_PRINCIPAL, principalOf, roleAtLeast, type Access, type Principal, type Role } from "../../src/http/access.js";
import { ForbiddenError, UnauthorizedError } from "../../src/lib/errors.js";

function call(level: Access, principal: Principal | undefined): unknown {
  const res = { locals: principal === undefined ? {} : { principal } } as unknown as Response;
  let got: unknown = "not called";
  access(level)({} as Request, res, ((err?: unknown) => (got = err)) as NextFunction);
  return got;
}

const ROLES: Role[] = ["Viewer", "Editor", "Admin"];
const LEVELS: Access[] = ["public", "viewer", "editor", "admin"];
const RANK = { Viewer: 1, Editor: 2, Admin: 3, public: 0, viewer: 1, editor: 2, admin: 3 } as const;
const NEEDED = { viewer: "Viewer", editor: "Editor", admin: "Admin" } as const;

test("access: roleAtLeast is the order Viewer < Editor < Admin", () => {
  for (const a of ROLES) for (const b of ROLES) assert.equal(roleAtLeast(a, b), RANK[a] >= RANK[b], `${a} >= ${b}`);
});

test("access: the handler carries its level; principalOf reads res.locals", () => {
  for (const l of LEVELS) assert.equal(access(l).access, l);
  assert.equal(principalOf({ locals: {} } as unknown as Response), undefined);
  assert.equal(principalOf({ locals: { principal: OPEN_PRINCIPAL } } as unknown as Response), OPEN_PRINCIPAL);
  assert.deepEqual({ ...OPEN_PRINCIPAL }, { kind: "open", role: "Admin", login: "local" });
  assert.ok(Object.isFrozen(OPEN_PRINCIPAL));
});

test("access: public lets everyone through, even nobody", () => {
  assert.equal(call("public", undefined), undefined);
  assert.equal(call("public", { kind: "token", role: "Viewer", scope: "read" }), undefined);
});

test("access: nobody gets 401 on every non-public level", () => {
  for (const l of LEVELS.filter((x) => x !== "public")) {
    const err = call(l, undefined);
    assert.ok(err instanceof UnauthorizedError, l);
    assert.equal((err as UnauthorizedError).status, 401);
  }
});

test("access: every kind × role × scope against every level", () => {
  const kinds: Array<Principal["kind"]> = ["user", "token", "anonymous", "open"];
  for (const kind of kinds) {
    for (const role of ROLES) {
      for (const scope of [undefined, "read", "write"] as const) {
        const p: Principal = scope === undefined ? { kind, role } : { kind, role, scope };
        for (const level of LEVELS) {
          const err = call(level, p);
          const what = `${kind}/${role}/${scope ?? "-"} on ${level}`;
          if (level === "public") {
            assert.equal(err, undefined, what);
            continue;
          }
          if (RANK[role] < RANK[level]) {
            assert.ok(err instanceof ForbiddenError, what);
            assert.equal((err as ForbiddenError).status, 403);
            assert.equal((err as ForbiddenError).message, `this needs the ${NEEDED[level]} role`, what);
          } else if (kind === "token" && scope === "read" && level !== "viewer") {
            assert.ok(err instanceof ForbiddenError, what);
            assert.equal((err as ForbiddenError).message, "this token is read-only", what);
          } else {
            assert.equal(err, undefined, what);
          }
        }
      }
    }
  }
});
