/**
 * `smart`: disk health from `smartctl --json` (Debian smartmontools), each call bounded by
 * command_timeout. Paths, per device (its /dev name, as Diamond's SmartCollector names it):
 *   smart.<dev>.health_passed        1 when the overall self-assessment passed, 0 when it failed
 *   smart.<dev>.temperature          °C
 *   smart.<dev>.power_on_hours, .power_cycle_count
 *   smart.<dev>.<pre-fail|old_age>.<attribute>.{value,worst,thresh,raw_val}
 *                                    the key ATA attributes, in Diamond's SmartCollector shape
 *                                    (smart.sda.pre-fail.reallocated_sector_ct.raw_val)
 *   smart.<dev>.nvme.<field>         NVMe health log (critical_warning, percentage_used, media_errors …)
 * No smartctl, no devices (VMs), or no permission (smartctl needs root for most disks): nothing
 * published and one debug/warn line per cause, never an error every run.
 */
import { execFile } from "node:child_process";
import { opt } from "../config/index.js";
import { errorMessage } from "../lib/errors.js";
import { defineCollector } from "./types.js";
import { pathSegment } from "./publisher.js";

/** ATA attributes worth a series: failure predictors and wear. */
export const SMART_KEY_ATTRIBUTES: ReadonlySet<number> = new Set([1, 5, 7, 9, 10, 12, 177, 184, 187, 188, 190, 194, 196, 197, 198, 199, 231, 233, 241, 242]);

export const NVME_FIELDS = [
  "critical_warning", "available_spare", "available_spare_threshold", "percentage_used", "data_units_read",
  "data_units_written", "media_errors", "num_err_log_entries", "unsafe_shutdowns", "controller_busy_time",
] as const;

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** `smartctl --json --scan` → device paths with their -d type. */
export function parseSmartScan(text: string): { name: string; type: string | undefined }[] {
  const devices = (JSON.parse(text) as Json)["devices"];
  if (!Array.isArray(devices)) return [];
  return devices.flatMap((d) => {
    const o = obj(d);
    const name = o?.["name"];
    return typeof name === "string" ? [{ name, type: typeof o?.["type"] === "string" ? (o["type"] as string) : undefined }] : [];
  });
}

export interface SmartReport {
  /** smartctl's exit status (bit 0: bad command line, bit 1: device could not be opened, bit 2: a SMART command failed). */
  readonly exitStatus: number;
  readonly messages: string[];
  readonly metrics: Map<string, number>;
}

/** One device's `smartctl --json -H -A -i` output → metrics relative to the device. */
export function parseSmartReport(text: string): SmartReport {
  const j = JSON.parse(text) as Json;
  const sc = obj(j["smartctl"]);
  const messages = Array.isArray(sc?.["messages"]) ? (sc["messages"] as unknown[]).flatMap((m) => (typeof obj(m)?.["string"] === "string" ? [obj(m)!["string"] as string] : [])) : [];
  const metrics = new Map<string, number>();
  const set = (k: string, v: number | undefined): void => {
    if (v !== undefined) metrics.set(k, v);
  };
  const status = obj(j["smart_status"]);
  if (typeof status?.["passed"] === "boolean") metrics.set("health_passed", status["passed"] ? 1 : 0);
  set("temperature", num(obj(j["temperature"])?.["current"]));
  set("power_on_hours", num(obj(j["power_on_time"])?.["hours"]));
  set("power_cycle_count", num(j["power_cycle_count"]));
  const table = obj(j["ata_smart_attributes"])?.["table"];
  if (Array.isArray(table)) {
    for (const row of table) {
      const r = obj(row);
      const id = num(r?.["id"]);
      const name = r?.["name"];
      const raw = num(obj(r?.["raw"])?.["value"]);
      if (id === undefined || typeof name !== "string" || raw === undefined || !SMART_KEY_ATTRIBUTES.has(id)) continue;
      // Diamond's SmartCollector: <priority>.<attribute, lowercase; its id when unknown>.<valtype>
      const priority = obj(r?.["flags"])?.["prefailure"] === true ? "pre-fail" : "old_age";
      const attr = name.toLowerCase() === "unknown_attribute" ? String(id) : pathSegment(name.toLowerCase()).replace(/[^a-z0-9_-]/g, "_");
      const base = `${priority}.${attr}`;
      set(`${base}.value`, num(r?.["value"]));
      set(`${base}.worst`, num(r?.["worst"]));
      set(`${base}.thresh`, num(r?.["thresh"]));
      metrics.set(`${base}.raw_val`, raw);
    }
  }
  const nvme = obj(j["nvme_smart_health_information_log"]);
  if (nvme !== undefined) for (const f of NVME_FIELDS) set(`nvme.${f}`, num(nvme[f]));
  return { exitStatus: num(sc?.["exit_status"]) ?? 0, messages, metrics };
}

/** Runs smartctl; resolves with stdout even on a non-zero exit (its status bits are in the JSON). */
function runSmartctl(cmd: string, args: string[], timeoutMs: number, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, ["--json", ...args], { timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 4 << 20, signal, encoding: "utf8" }, (err, stdout) => {
      if (err !== null && (stdout === "" || (err as NodeJS.ErrnoException).code === "ENOENT" || err.killed === true)) {
        reject(err.killed === true ? new Error(`${cmd} ${args.join(" ")} took over ${timeoutMs} ms (command_timeout)`) : err);
        return;
      }
      resolve(stdout);
    });
  });
}

export const smartCollector = defineCollector({
  name: "smart",
  help: "disk health, temperature and key SMART attributes from smartctl --json (smartmontools; needs root for most disks)",
  enabledByDefault: false,
  options: {
    smartctl: opt.string("smartctl", "the smartctl command (a path, or a name looked up in PATH)"),
    devices: opt.list("", "devices to query (/dev/sda, /dev/nvme0 …); empty: those `smartctl --scan` finds"),
    command_timeout: opt.duration("10s", "longest wait for one smartctl call; a disk that does not answer is skipped", { min: 100 }),
  },
  create(options, env) {
    const told = new Set<string>();
    const once = (key: string, level: "debug" | "warn", msg: string, fields: Record<string, string>): void => {
      if (told.has(key)) return;
      told.add(key);
      env.log[level](msg, fields);
    };
    return async (ctx) => {
      let devices: { name: string; type: string | undefined }[];
      try {
        devices = options.devices.length > 0 ? options.devices.map((name) => ({ name, type: undefined })) : parseSmartScan(await runSmartctl(options.smartctl, ["--scan"], options.command_timeout, ctx.signal));
      } catch (err) {
        once("scan", "debug", "smartctl unavailable; smart publishes nothing", { err: errorMessage(err) });
        return;
      }
      if (devices.length === 0) once("none", "debug", "smartctl found no devices (a VM?); smart publishes nothing", {});
      for (const d of devices) {
        if (ctx.signal.aborted) return;
        const dev = pathSegment(d.name.replace(/^\/dev\//, "").replace(/\//g, "_"));
        let report: SmartReport;
        try {
          report = parseSmartReport(await runSmartctl(options.smartctl, ["-H", "-A", "-i", ...(d.type !== undefined ? ["-d", d.type] : []), d.name], options.command_timeout, ctx.signal));
        } catch (err) {
          if (errorMessage(err).includes("command_timeout")) env.limitHit?.("command_timeout");
          once(`err:${d.name}`, "warn", "smartctl failed for a device; skipped", { device: d.name, err: errorMessage(err) });
          continue;
        }
        if ((report.exitStatus & 3) !== 0) {
          once(`open:${d.name}`, "warn", "smartctl cannot read the device (root needed?); skipped", { device: d.name, messages: report.messages.join("; ") });
          continue;
        }
        told.delete(`open:${d.name}`);
        for (const [k, v] of report.metrics) ctx.gauge(`${dev}.${k}`, v);
      }
    };
  },
});
