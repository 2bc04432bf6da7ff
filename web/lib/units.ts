/** Value formatting per panel unit (bytes, %, ops/s, ms …), compact enough for axes and legends. */
export type Unit = "none" | "short" | "percent" | "percentunit" | "bytes" | "bits" | "Bps" | "bps" | "ops" | "reqps" | "ms" | "s" | "celsius";

export const UNITS: ReadonlyArray<{ value: Unit; label: string }> = [
  { value: "none", label: "none" },
  { value: "short", label: "short (k, M, G)" },
  { value: "percent", label: "percent (0-100)" },
  { value: "percentunit", label: "percent (0.0-1.0)" },
  { value: "bytes", label: "bytes (IEC)" },
  { value: "bits", label: "bits" },
  { value: "Bps", label: "bytes/sec" },
  { value: "bps", label: "bits/sec" },
  { value: "ops", label: "ops/sec" },
  { value: "reqps", label: "requests/sec" },
  { value: "ms", label: "milliseconds" },
  { value: "s", label: "seconds" },
  { value: "celsius", label: "Celsius (°C)" },
];

function fixed(v: number, decimals: number | undefined): string {
  if (decimals !== undefined) return v.toFixed(decimals);
  const a = Math.abs(v);
  if (a === 0) return "0";
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1).replace(/\.0$/, "");
  if (a >= 1) return v.toFixed(2).replace(/\.?0+$/, "");
  if (a >= 0.001) return v.toPrecision(2).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
  return v.toExponential(1);
}

function scaled(v: number, base: number, suffixes: readonly string[], decimals: number | undefined, sep = " "): string {
  let i = 0;
  let x = v;
  while (Math.abs(x) >= base && i < suffixes.length - 1) {
    x /= base;
    i++;
  }
  return `${fixed(x, decimals)}${sep}${suffixes[i]}`.trimEnd();
}

export function formatValue(v: number | null | undefined, unit: Unit = "none", decimals?: number): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  switch (unit) {
    case "percent":
      return `${fixed(v, decimals)}%`;
    case "percentunit":
      return `${fixed(v * 100, decimals)}%`;
    case "bytes":
      return scaled(v, 1024, ["B", "KiB", "MiB", "GiB", "TiB", "PiB"], decimals);
    case "bits":
      return scaled(v, 1000, ["b", "kb", "Mb", "Gb", "Tb"], decimals);
    case "Bps":
      return scaled(v, 1024, ["B/s", "KiB/s", "MiB/s", "GiB/s", "TiB/s"], decimals);
    case "bps":
      return scaled(v, 1000, ["b/s", "kb/s", "Mb/s", "Gb/s", "Tb/s"], decimals);
    case "ops":
      return `${scaled(v, 1000, ["", "k", "M", "G"], decimals, "")} ops/s`;
    case "reqps":
      return `${scaled(v, 1000, ["", "k", "M", "G"], decimals, "")} req/s`;
    case "ms":
      if (Math.abs(v) >= 60000) return `${fixed(v / 60000, decimals)} min`;
      if (Math.abs(v) >= 1000) return `${fixed(v / 1000, decimals)} s`;
      return `${fixed(v, decimals)} ms`;
    case "s":
      if (Math.abs(v) >= 86400) return `${fixed(v / 86400, decimals)} d`;
      if (Math.abs(v) >= 3600) return `${fixed(v / 3600, decimals)} h`;
      if (Math.abs(v) >= 60) return `${fixed(v / 60, decimals)} min`;
      if (Math.abs(v) < 1 && v !== 0) return `${fixed(v * 1000, decimals)} ms`;
      return `${fixed(v, decimals)} s`;
    case "celsius":
      return `${fixed(v, decimals)}°C`;
    case "short":
      return scaled(v, 1000, ["", "k", "M", "G", "T", "P"], decimals, "");
    default:
      return fixed(v, decimals);
  }
}
