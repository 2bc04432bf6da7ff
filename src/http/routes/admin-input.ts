/** What the admin routes accept (JSON APIs and HTML forms alike), checked with parseInput (../validate.ts). */
import { z } from "zod";

export const roleSchema = z.enum(["Viewer", "Editor", "Admin"]);
export const userPatch = z.object({ role: roleSchema.optional(), disabled: z.boolean().optional() }).strict();
export const tokenCreate = z.object({ name: z.string().trim().min(1).max(100), scope: z.enum(["read", "write"]) }).strict();
/** A user or token id in the path. */
export const idParam = z.coerce.number().int().positive();
/** A new user: local (with a password) or a GitHub login reserved before its first sign-in. */
export const userCreate = z
  .object({ login: z.string().trim().min(1).max(64), password: z.string().max(1000).optional(), role: roleSchema, provider: z.enum(["local", "github"]).default("local") })
  .strict();
export const passwordReset = z.object({ password: z.string().min(1).max(1000) }).strict();
