/** Grafana unit ids → Loupe's units. Only exact equivalents; anything else is reported by the importer. */
import type { Unit } from "./model.js";

const GRAFANA_UNITS: Readonly<Record<string, Unit>> = {
  none: "none",
  short: "short",
  percent: "percent",
  percentunit: "percentunit",
  bytes: "bytes",
  decbytes: "bytes",
  bits: "bits",
  decbits: "bits",
  Bps: "Bps",
  binBps: "Bps",
  decBps: "Bps",
  bps: "bps",
  binbps: "bps",
  decbps: "bps",
  ops: "ops",
  iops: "ops",
  rps: "ops",
  wps: "ops",
  reqps: "reqps",
  ms: "ms",
  dtdurationms: "ms",
  s: "s",
  dtdurations: "s",
  celsius: "celsius",
};

/** The Loupe unit for a Grafana unit id; `undefined` when there is no exact equivalent. Empty means none. */
export function unitFromGrafana(id: unknown): Unit | undefined {
  if (id === undefined || id === null || id === "") return "none";
  if (typeof id !== "string") return undefined;
  return Object.hasOwn(GRAFANA_UNITS, id) ? GRAFANA_UNITS[id] : undefined;
}
