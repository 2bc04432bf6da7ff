/**
 * zod errors → a 400 naming the field path (`dashboard.panels.0.gridPos.w: …`), so an API user or
 * an import file author sees exactly what to fix.
 */
import type { z } from "zod";
import { BadRequestError } from "../lib/errors.js";

/** `path.to.field: message; other.field: message` (first five issues). */
export function formatZodIssues(error: z.ZodError, prefix = ""): string {
  const parts = error.issues.slice(0, 5).map((i) => {
    const path = [prefix, ...i.path.map(String)].filter((p) => p !== "").join(".");
    return `${path === "" ? "(body)" : path}: ${i.message}`;
  });
  if (error.issues.length > 5) parts.push(`and ${error.issues.length - 5} more`);
  return parts.join("; ");
}

/** Parses or throws a 400 `validation_failed` naming the field path. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, prefix = ""): z.infer<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw new BadRequestError(formatZodIssues(r.error, prefix), "validation_failed", r.error);
  return r.data;
}
