/** The read side of the engine: series lookups, raw points and latest values (select.ts consolidates). */
import type { UnixMs } from "../../model/index.js";
import type { RawPoint, SeriesInfo } from "../api.js";
import type { EngineState } from "./engine-state.js";
import { readRawPoints } from "./select.js";

export function readRaw(e: EngineState, id: number, from: UnixMs, to: UnixMs): RawPoint[] {
  const s = e.index.byId.get(id);
  if (s === undefined) return [];
  const out: RawPoint[] = [];
  readRawPoints(e, s, from, to, (ts, value) => out.push({ ts, value }));
  return out;
}

export function* latestPoints(e: EngineState): Iterable<{ readonly series: SeriesInfo; readonly ts: UnixMs; readonly value: number }> {
  for (const s of e.index.byId.values()) if (s.lastTs > -Infinity) yield { series: s, ts: s.lastTs, value: s.lastValue };
}
