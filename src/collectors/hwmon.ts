/**
 * `hwmon`: temperatures, fans, voltages, currents, power, energy and humidity from
 * /sys/class/hwmon (the kernel's hwmon sysfs interface), converted to base units:
 *   hwmon.<chip>.<label>   e.g. hwmon.coretemp.Package_id_0 = 47 (°C), hwmon.nct6775.fan2 = 1081 (RPM)
 * <chip> is the chip's `name` (`_<N>` of hwmonN appended when two chips share a name); <label> is the
 * sensor's `*_label` made path-safe, or the attribute (temp1, fan2, in0) when it has none
 * (`<label>_<attribute>` when two sensors of a chip share a label). Units: °C, RPM, V, A, W, J, %.
 * No /sys/class/hwmon (most VMs): nothing published, one debug line — not an error.
 */
import { defineCollector } from "./types.js";
import type { ProcFs } from "./procfs.js";
import { pathSegment } from "./publisher.js";

/** Attribute kind → divisor from the sysfs unit to the published one. */
export const HWMON_KINDS: Readonly<Record<string, number>> = {
  temp: 1000, // m°C → °C
  fan: 1, // RPM
  in: 1000, // mV → V
  curr: 1000, // mA → A
  power: 1_000_000, // µW → W
  energy: 1_000_000, // µJ → J
  humidity: 1000, // m% → %
};

export interface HwmonReading {
  readonly chip: string;
  readonly sensor: string;
  readonly value: number;
}

/** A path-safe name: spaces, dots and other odd characters become _. */
export function sensorSegment(text: string): string {
  return pathSegment(text.trim()).replace(/[^A-Za-z0-9_+-]/g, "_") || "unnamed";
}

/** One chip's folder: file name → content (only `name`, `*_input` and `*_label` are needed). */
export function chipReadings(chip: string, files: ReadonlyMap<string, string>): HwmonReading[] {
  const out: HwmonReading[] = [];
  const used = new Map<string, number>();
  const inputs = [...files.keys()].filter((f) => /^[a-z]+\d+_input$/.test(f)).sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  const pending: { base: string; label: string | undefined; value: number }[] = [];
  for (const f of inputs) {
    const base = f.slice(0, -"_input".length);
    const kind = /^([a-z]+)\d+$/.exec(base)![1]!;
    const div = HWMON_KINDS[kind];
    const raw = Number(files.get(f)!.trim());
    if (div === undefined || files.get(f)!.trim() === "" || !Number.isFinite(raw)) continue;
    const labelText = files.get(`${base}_label`)?.trim();
    const label = labelText !== undefined && labelText !== "" ? sensorSegment(labelText) : undefined;
    if (label !== undefined) used.set(label, (used.get(label) ?? 0) + 1);
    pending.push({ base, label, value: raw / div });
  }
  for (const p of pending) {
    const sensor = p.label === undefined ? p.base : (used.get(p.label) ?? 0) > 1 ? `${p.label}_${p.base}` : p.label;
    out.push({ chip, sensor, value: p.value });
  }
  return out;
}

/** Chip folder names ("hwmon0") → their published chip names, unique. */
export function chipNames(chips: ReadonlyArray<{ dir: string; name: string }>): Map<string, string> {
  const count = new Map<string, number>();
  for (const c of chips) count.set(c.name, (count.get(c.name) ?? 0) + 1);
  return new Map(chips.map((c) => [c.dir, (count.get(c.name) ?? 0) > 1 ? `${c.name}_${c.dir.replace(/^hwmon/, "")}` : c.name]));
}

async function readChip(fs: ProcFs, dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  // Old drivers keep their attributes in the device folder rather than the hwmon one.
  for (const sub of [dir, `${dir}/device`]) {
    let names: string[];
    try {
      if (fs.listSys === undefined) break;
      names = await fs.listSys(sub);
    } catch {
      continue;
    }
    for (const n of names) {
      if (files.has(n) || !(n === "name" || /^[a-z]+\d+_(input|label)$/.test(n))) continue;
      try {
        files.set(n, await fs.readSys(`${sub}/${n}`));
      } catch {
        // unreadable or a sensor that errors on read (EIO/ENODATA is common): skipped
      }
    }
    if ([...files.keys()].some((k) => k.endsWith("_input"))) break;
  }
  return files;
}

export const hwmonCollector = defineCollector({
  name: "hwmon",
  help: "temperatures (°C), fans (RPM), voltages (V), current (A), power (W) from /sys/class/hwmon; nothing on VMs without sensors",
  enabledByDefault: false,
  options: {},
  create(_options, env) {
    let absentLogged = false;
    return async (ctx) => {
      let dirs: string[];
      try {
        if (env.procfs.listSys === undefined) throw new Error("this procfs cannot list /sys");
        dirs = (await env.procfs.listSys("class/hwmon")).filter((d) => /^hwmon\d+$/.test(d)).sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
      } catch {
        dirs = [];
      }
      const chips: { dir: string; name: string; files: Map<string, string> }[] = [];
      for (const d of dirs) {
        const files = await readChip(env.procfs, `class/hwmon/${d}`);
        chips.push({ dir: d, name: sensorSegment(files.get("name")?.trim() || d), files });
      }
      const names = chipNames(chips);
      let published = 0;
      for (const c of chips) {
        for (const r of chipReadings(names.get(c.dir)!, c.files)) {
          ctx.gauge(`${r.chip}.${r.sensor}`, r.value);
          published++;
        }
      }
      if (published === 0 && !absentLogged) {
        absentLogged = true;
        env.log.debug("no hwmon sensors (a VM or container?); hwmon publishes nothing", { chips: dirs.length });
      }
    };
  },
});
