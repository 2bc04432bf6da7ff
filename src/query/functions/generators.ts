/** Series made from nothing but the time range: time, sin, identity, threshold (graphite-web's test and guide lines). */
import { makeSeries, pyNumber, type Value } from "../series.js";
import { numArg, optStrArg, strArg } from "./args.js";
import type { CallContext, FunctionSpec } from "./types.js";

/** Points every `step` seconds from `from` while before `until` (graphite-web's timeFunction loop). */
function ticks(cc: CallContext, stepS: number, f: (tS: number) => Value, name: string) {
  const start = Math.floor(cc.ctx.from / 1000);
  const end = Math.floor(cc.ctx.until / 1000);
  const values: Value[] = [];
  for (let t = start; t < end && values.length < 1_000_000; t += stepS) values.push(f(t));
  return makeSeries(name, start * 1000, stepS * 1000, values);
}

function stepOf(a: Parameters<FunctionSpec["run"]>[1]): number {
  const s = numArg(a, "step");
  return Number.isFinite(s) && s >= 1 ? Math.floor(s) : 60;
}

export const timeFunction: FunctionSpec = {
  name: "time",
  group: "Transform",
  aliases: ["timeFunction"],
  description: "A series whose value is its own timestamp in seconds (every `step` seconds, 60 by default).",
  params: [{ name: "name", type: "string", required: true }, { name: "step", type: "integer", default: 60 }],
  run: (cc, a) => [ticks(cc, stepOf(a), (t) => t, strArg(a, "name"))],
};

export const sinFunction: FunctionSpec = {
  name: "sin",
  group: "Transform",
  aliases: ["sinFunction"],
  description: "amplitude × sin(time in seconds), every `step` seconds.",
  params: [{ name: "name", type: "string", required: true }, { name: "amplitude", type: "integer", default: 1 }, { name: "step", type: "integer", default: 60 }],
  run: (cc, a) => {
    const amp = numArg(a, "amplitude");
    return [ticks(cc, stepOf(a), (t) => Math.sin(t) * amp, strArg(a, "name"))];
  },
};

export const identity: FunctionSpec = {
  name: "identity",
  group: "Calculate",
  description: "A series whose value is its own timestamp in seconds, every 60 s.",
  params: [{ name: "name", type: "string", required: true }],
  run: (cc, a) => {
    const name = strArg(a, "name");
    const s = ticks(cc, 60, (t) => t, name);
    s.pathExpression = `identity("${name}")`;
    return [s];
  },
};

export const threshold: FunctionSpec = {
  name: "threshold",
  group: "Special",
  description: "A horizontal line at the value, named by the label (like constantLine).",
  params: [{ name: "value", type: "float", required: true }, { name: "label", type: "string" }, { name: "color", type: "string" }],
  run: (cc, a) => {
    const v = numArg(a, "value");
    const label = optStrArg(a, "label");
    const startS = Math.floor(cc.ctx.from / 1000);
    const stepS = Math.max(1, Math.trunc((Math.floor(cc.ctx.until / 1000) - startS) / 2));
    const text = pyNumber(v, false);
    const s = makeSeries(label !== undefined && label !== "" ? label : text, startS * 1000, stepS * 1000, [v, v, v]);
    s.pathExpression = `constantLine(${text})`;
    return [s];
  },
};
