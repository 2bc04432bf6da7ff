/** Typed accessors over BoundArgs, so functions read `num(a, "factor")` instead of casting. */
import { BadRequestError } from "../../lib/errors.js";
import type { Series } from "../series.js";
import type { ArgValue, BoundArgs } from "./types.js";

function badArg(name: string, want: string, got: ArgValue | undefined): BadRequestError {
  return new BadRequestError(`argument ${name} must be ${want}, got ${describe(got)}`, "bad_argument");
}

export function describe(v: ArgValue | undefined): string {
  if (v === undefined) return "nothing";
  if (v === null) return "None";
  if (Array.isArray(v)) return "a series list";
  return JSON.stringify(v);
}

export function seriesArg(a: BoundArgs, name: string): Series[] {
  const v = a.get(name);
  if (Array.isArray(v)) return v;
  throw badArg(name, "a series list", v);
}

export function optSeriesArg(a: BoundArgs, name: string): Series[] | undefined {
  const v = a.get(name);
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v;
  throw badArg(name, "a series list", v);
}

export function numArg(a: BoundArgs, name: string): number {
  const v = a.get(name);
  if (typeof v === "number") return v;
  throw badArg(name, "a number", v);
}

export function optNumArg(a: BoundArgs, name: string): number | undefined {
  const v = a.get(name);
  if (v === undefined || v === null) return undefined;
  if (typeof v === "number") return v;
  throw badArg(name, "a number", v);
}

export function intArg(a: BoundArgs, name: string): number {
  const v = numArg(a, name);
  if (!Number.isInteger(v)) throw badArg(name, "an integer", v);
  return v;
}

export function strArg(a: BoundArgs, name: string): string {
  const v = a.get(name);
  if (typeof v === "string") return v;
  throw badArg(name, "a quoted string", v);
}

export function optStrArg(a: BoundArgs, name: string): string | undefined {
  const v = a.get(name);
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  throw badArg(name, "a quoted string", v);
}

export function boolArg(a: BoundArgs, name: string): boolean {
  const v = a.get(name);
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "string" && /^(true|false)$/i.test(v)) return v.toLowerCase() === "true";
  if (v === undefined || v === null) return false;
  throw badArg(name, "true or false", v);
}

/** Node indexes or tag names (nodeOrTag). */
export function nodesArg(a: BoundArgs, name: string): Array<number | string> {
  return a.rest(name).map((v) => {
    if (typeof v === "number" || typeof v === "string") return v;
    throw badArg(name, "a node number or tag name", v);
  });
}
