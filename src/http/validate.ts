/**
 * Validation shared by the route modules: a zod schema at each boundary (body, path parameter,
 * form field), a failure answered as 400 with a stable code and the offending field named; and
 * typed reads of what the auth pipeline leaves on `res.locals`.
 */
import type { Response } from "express";
import type { z } from "zod";
import { BadRequestError } from "../lib/errors.js";

/** `value` parsed by `schema`, or a BadRequestError (`code`) listing each bad field as `path: message`. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, code = "invalid_body"): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new BadRequestError(r.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "), code);
  return r.data;
}

/** The fields of a urlencoded form body (an empty object when there is none). */
export function formFields(body: unknown): Record<string, unknown> {
  return body !== null && typeof body === "object" ? (body as Record<string, unknown>) : {};
}

/** The CSRF token the auth pipeline set for this request ("" when none), for HTML forms. */
export function csrfOf(res: Response): string {
  return (res.locals as { csrfToken?: string }).csrfToken ?? "";
}

/** The session cookie this request came with, when it names a live session. */
export function sessionCookieOf(res: Response): string | undefined {
  return (res.locals as { sessionCookie?: string }).sessionCookie;
}
