/**
 * `iostat`: per-device I/O from /proc/diskstats (Diamond's DiskUsageCollector, path `iostat`).
 * Like Diamond, reads/writes/… are counts during the interval, *_per_second are rates, and a device
 * is published only when it did I/O (unless send_zero).
 */
import { opt } from "../config/index.js";
import { defineCollector, MAX_U32 } from "./types.js";
import { pathSegment } from "./publisher.js";
import { compileRegex } from "../lib/safe-regex.js";
import { byteUnitOption, convertBytes, roundTo } from "./units.js";

/** `E:KEY=value` lines of a udev database entry. */
export function parseUdevData(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^E:([^=]+)=(.*)$/.exec(line);
    if (m !== null) out.set(m[1]!, m[2]!);
  }
  return out;
}

/** Diamond's persistent name: ID_MODEL-ID_SERIAL, plus -part<N> for a partition; undefined without both. */
export function persistentName(udev: ReadonlyMap<string, string>): string | undefined {
  const model = udev.get("ID_MODEL");
  const serial = udev.get("ID_SERIAL");
  if (model === undefined || serial === undefined) return undefined;
  return udev.get("DEVTYPE") === "partition" ? `${model}-${serial}-part${udev.get("ID_PART_ENTRY_NUMBER") ?? ""}` : `${model}-${serial}`;
}

export interface DiskStats {
  readonly device: string;
  /** "major:minor". */
  readonly devId: string;
  readonly reads: number;
  readonly reads_merged: number;
  readonly reads_sectors: number;
  readonly reads_milliseconds: number;
  readonly writes: number;
  readonly writes_merged: number;
  readonly writes_sectors: number;
  readonly writes_milliseconds: number;
  readonly io_in_progress: number;
  readonly io_milliseconds: number;
  readonly io_milliseconds_weighted: number;
}

const COUNTERS = [
  "reads", "reads_merged", "reads_sectors", "reads_milliseconds", "writes", "writes_merged", "writes_sectors",
  "writes_milliseconds", "io_milliseconds", "io_milliseconds_weighted",
] as const;

/** Lines of 14+ columns (partitions of old kernels have 7 and are skipped); ram and loop devices skipped. */
export function parseDiskstats(text: string): DiskStats[] {
  const out: DiskStats[] = [];
  for (const line of text.split("\n")) {
    const c = line.trim().split(/\s+/);
    if (c.length < 14) continue;
    const device = c[2]!;
    if (device.startsWith("ram") || device.startsWith("loop")) continue;
    const n = c.slice(3, 14).map(Number);
    if (n.some((x) => !Number.isFinite(x))) continue;
    out.push({
      device,
      devId: `${c[0]}:${c[1]}`,
      reads: n[0]!, reads_merged: n[1]!, reads_sectors: n[2]!, reads_milliseconds: n[3]!,
      writes: n[4]!, writes_merged: n[5]!, writes_sectors: n[6]!, writes_milliseconds: n[7]!,
      io_in_progress: n[8]!, io_milliseconds: n[9]!, io_milliseconds_weighted: n[10]!,
    });
  }
  return out;
}

/**
 * Everything Diamond derives from one interval's deltas of one device; the byte values once per
 * byte unit (reads_<unit>, read_<unit>_per_second, average_request_size_<unit>).
 */
export function deriveIo(
  d: Readonly<Record<(typeof COUNTERS)[number], number>>,
  seconds: number,
  sectorSize: number,
  ioInProgress: number,
  units: readonly string[] = ["byte"],
): Record<string, number> {
  const io = d.reads + d.writes;
  const m: Record<string, number> = {
    reads: d.reads,
    reads_merged: d.reads_merged,
    reads_milliseconds: d.reads_milliseconds,
    writes: d.writes,
    writes_merged: d.writes_merged,
    writes_milliseconds: d.writes_milliseconds,
    io_in_progress: ioInProgress,
    io_milliseconds: d.io_milliseconds,
    io_milliseconds_weighted: d.io_milliseconds_weighted,
    read_requests_merged_per_second: d.reads_merged / seconds,
    write_requests_merged_per_second: d.writes_merged / seconds,
    reads_per_second: d.reads / seconds,
    writes_per_second: d.writes / seconds,
    io,
    iops: io / seconds,
    average_queue_length: d.io_milliseconds_weighted / seconds / 1000,
    util_percentage: d.io_milliseconds / seconds / 10,
    read_await: d.reads > 0 ? d.reads_milliseconds / d.reads : 0,
    write_await: d.writes > 0 ? d.writes_milliseconds / d.writes : 0,
    service_time: io > 0 ? d.io_milliseconds / io : 0,
    await: io > 0 ? (d.reads_milliseconds + d.writes_milliseconds) / io : 0,
  };
  for (const u of units) {
    const r = convertBytes(d.reads_sectors * sectorSize, "byte", u);
    const w = convertBytes(d.writes_sectors * sectorSize, "byte", u);
    m[`reads_${u}`] = r;
    m[`writes_${u}`] = w;
    m[`read_${u}_per_second`] = r / seconds;
    m[`write_${u}_per_second`] = w / seconds;
    m[`average_request_size_${u}`] = io > 0 ? (r + w) / io : 0;
  }
  m["concurrent_io"] = (m["reads_per_second"]! + m["writes_per_second"]!) * (m["service_time"]! / 1000);
  return m;
}

export const iostatCollector = defineCollector({
  name: "iostat",
  help: "per-device reads, writes, bytes, iops, await, util_percentage, queue length from /proc/diskstats",
  enabledByDefault: true,
  options: {
    devices: opt.regex(
      "PhysicalDrive[0-9]+$|md[0-9]+$|sd[a-z]+[0-9]*$|x?vd[a-z]+[0-9]*$|disk[0-9]+$|dm-[0-9]+$|nvme[0-9]+n[0-9]+(p[0-9]+)?$",
      "regex of the devices to collect (matched at the start of the name)",
    ),
    sector_size: opt.int(512, "bytes per sector in /proc/diskstats", { min: 1 }),
    send_zero: opt.bool(false, "publish a device even when it did no I/O in the interval"),
    exclude_devices: opt.regex("", "regex of devices to leave out after the devices selection (matched at the start); empty: none"),
    persistent_naming: opt.bool(false, "name devices <ID_MODEL>-<ID_SERIAL>[-part<N>] from udev's database (/run/udev/data) instead of sda …; a device without them keeps its kernel name"),
    byte_unit: byteUnitOption("byte", "units of the byte values: reads_byte, read_byte_per_second, average_request_size_byte … for each"),
  },
  create(options, env) {
    const devicesRe = compileRegex(options.devices, "[collector.iostat] devices");
    const devices = { test: (name: string): boolean => devicesRe.testStart(name) };
    const excludeRe = options.exclude_devices === "" ? undefined : compileRegex(options.exclude_devices, "[collector.iostat] exclude_devices");
    const names = new Map<string, string>();
    const warned = new Set<string>();
    const nameOf = async (s: DiskStats): Promise<string> => {
      const kernel = pathSegment(s.device.replace(/\//g, "_"));
      if (!options.persistent_naming) return kernel;
      const known = names.get(s.devId);
      if (known !== undefined) return known;
      let persistent: string | undefined;
      try {
        persistent = persistentName(parseUdevData(await (env.procfs.readUdev?.(`b${s.devId}`) ?? Promise.reject(new Error("no udev database")))));
      } catch {
        persistent = undefined;
      }
      if (persistent === undefined && !warned.has(s.device)) {
        warned.add(s.device);
        env.log.warn("no udev model/serial for device; keeping its kernel name", { device: s.device });
      }
      const name = persistent !== undefined ? pathSegment(persistent.replace(/\//g, "_")) : kernel;
      if (persistent !== undefined) names.set(s.devId, name);
      return name;
    };
    return async (ctx) => {
      for (const s of parseDiskstats(await env.procfs.readProc("diskstats"))) {
        if (!devices.test(s.device)) continue;
        if (excludeRe !== undefined && excludeRe.testStart(s.device)) continue;
        const dev = await nameOf(s);
        const d = {} as Record<(typeof COUNTERS)[number], number>;
        let seconds: number | undefined;
        for (const k of COUNTERS) {
          const c = ctx.change(`${dev}.${k}`, s[k], MAX_U32);
          if (c === undefined) continue;
          d[k] = c.delta;
          seconds = c.seconds;
        }
        if (seconds === undefined || Object.keys(d).length !== COUNTERS.length) continue;
        const m = deriveIo(d, seconds, options.sector_size, s.io_in_progress, options.byte_unit);
        if (m["io"]! <= 0 && !options.send_zero) continue;
        // Diamond publishes every iostat value with precision 3.
        for (const [k, v] of Object.entries(m)) ctx.gauge(`${dev}.${k}`, roundTo(v, 3));
      }
    };
  },
});
