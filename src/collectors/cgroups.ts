/**
 * `cgroups`: CPU, memory, I/O and pressure (PSI) per systemd unit and per container, from the
 * cgroup tree (v2, or v1 where that is what is mounted). Paths, below `cgroups.`:
 *   unit.<unit>.<metric>           system.slice/<unit>.service (".service" dropped, odd characters → _)
 *   container.<name>.<metric>      Docker/Podman/containerd/CRI-O, named from their state files, else short id
 *   {unit,container}._other.<metric>   everything past max_units / max_containers (largest memory first), summed
 *   units.count, containers.count, units.folded, containers.folded, scan_truncated
 * Metrics: cpu_percent (of one CPU, like `docker stats`), cpu_throttled_percent, memory_bytes,
 * memory_anon_bytes, memory_file_bytes, memory_max_bytes (when limited), io_read_bytes,
 * io_write_bytes, io_read_ops, io_write_ops (per second, all devices), and on v2
 * pressure.<cpu|memory|io>.<some|full>_avg10 (the kernel's %) and _percent (from total stall time).
 * On a host without cgroups (or none mounted at `root`) only the counts (0) are published.
 */
import { opt } from "../config/index.js";
import { ContainerNames, detectLayout, discoverCgroups, nameSegment, type FoundCgroup } from "./cgroups-discover.js";
import { PSI_RESOURCES, readCgroup, type CgroupStats } from "./cgroups-read.js";
import { defineCollector, type CollectContext } from "./types.js";

/** A cgroup's published values, before bounding. */
export function deriveCgroup(ctx: Pick<CollectContext, "change">, key: string, s: CgroupStats): Map<string, number> {
  const out = new Map<string, number>();
  const rate = (name: string, value: number | undefined, scale = 1): void => {
    if (value === undefined) return;
    const c = ctx.change(`${key}|${name}`, value);
    if (c !== undefined) out.set(name, (c.delta / c.seconds) * scale);
  };
  const gauge = (name: string, value: number | undefined): void => {
    if (value !== undefined) out.set(name, value);
  };
  rate("cpu_percent", s.cpuUsec, 1e-4); // µs per second → % of one CPU
  rate("cpu_throttled_percent", s.throttledUsec, 1e-4);
  gauge("memory_bytes", s.memoryBytes);
  gauge("memory_anon_bytes", s.anonBytes);
  gauge("memory_file_bytes", s.fileBytes);
  gauge("memory_max_bytes", s.memoryMaxBytes);
  rate("io_read_bytes", s.io?.readBytes);
  rate("io_write_bytes", s.io?.writeBytes);
  rate("io_read_ops", s.io?.readOps);
  rate("io_write_ops", s.io?.writeOps);
  for (const r of PSI_RESOURCES) {
    const p = s.pressure?.[r];
    for (const kind of ["some", "full"] as const) {
      const line = p?.[kind];
      if (line === undefined) continue;
      gauge(`pressure.${r}.${kind}_avg10`, line.avg10);
      rate(`pressure.${r}.${kind}_percent`, line.total, 1e-4);
    }
  }
  return out;
}

/** Values that add up across cgroups (for `_other`); pressure and limits do not. */
function additive(name: string): boolean {
  return !name.startsWith("pressure.") && name !== "memory_max_bytes";
}

interface Entry {
  readonly name: string;
  readonly memory: number;
  readonly values: Map<string, number>;
}

/** The `max` largest (by memory, then name) by name, the rest summed as `_other`. */
export function boundEntries(entries: readonly Entry[], max: number): { named: Entry[]; other: Map<string, number> | undefined; folded: number } {
  const sorted = [...entries].sort((a, b) => b.memory - a.memory || (a.name < b.name ? -1 : 1));
  const named = sorted.slice(0, max);
  const rest = sorted.slice(max);
  if (rest.length === 0) return { named, other: undefined, folded: 0 };
  const other = new Map<string, number>();
  for (const e of rest) for (const [k, v] of e.values) if (additive(k)) other.set(k, (other.get(k) ?? 0) + v);
  return { named, other, folded: rest.length };
}

export const cgroupsCollector = defineCollector({
  name: "cgroups",
  help: "CPU, memory, I/O and pressure per systemd unit and per container (Docker, Podman, containerd) from cgroups v2 or v1",
  enabledByDefault: false,
  options: {
    root: opt.string("/sys/fs/cgroup", "where the cgroup filesystem is mounted"),
    units: opt.bool(true, "publish systemd units (system.slice/*.service)"),
    containers: opt.bool(true, "publish containers"),
    max_units: opt.int(50, "units published by name (largest memory first); the rest are summed as unit._other", { min: 0, max: 10000 }),
    max_containers: opt.int(100, "containers published by name (largest memory first); the rest are summed as container._other", { min: 0, max: 10000 }),
    max_scan: opt.int(5000, "cgroup folders looked at per run; past it the walk stops (scan_truncated = 1, a warning names this key)", { min: 1, max: 1000000 }),
    docker_root: opt.string("/var/lib/docker", "Docker's data root, for container names (containers/<id>/config.v2.json)"),
    podman_root: opt.string("/var/lib/containers/storage", "Podman's storage root, for container names (overlay-containers/containers.json)"),
  },
  create(options, env) {
    const names = new ContainerNames(options.docker_root, options.podman_root);
    const folded = env.metrics?.gauge("loupe_collector_cgroups_folded", "units or containers past [collector.cgroups] max_units / max_containers, summed as _other", ["kind"]);
    const truncations = env.metrics?.counter("loupe_collector_cgroups_scan_truncated_total", "runs whose cgroup walk stopped at [collector.cgroups] max_scan folders");
    let warnedTruncated = false;
    return async (ctx) => {
      const layout = await detectLayout(options.root);
      let found: FoundCgroup[] = [];
      let truncated = false;
      if (layout.mode !== "none") {
        const d = await discoverCgroups(layout.walkRoot, { maxScan: options.max_scan, maxDepth: 8 });
        found = d.found.filter((f) => (f.kind === "unit" ? options.units : options.containers));
        truncated = d.truncated;
      }
      if (truncated) truncations?.inc();
      if (truncated && !warnedTruncated) env.log.warn("cgroup walk stopped at [collector.cgroups] max_scan folders; raise it to see every unit and container", { max_scan: options.max_scan });
      warnedTruncated = truncated;
      const containerNames = await names.resolve(found);
      // files are read synchronously (cgroups-read.ts); yield to the event loop every 50 cgroups
      const stats: CgroupStats[] = [];
      for (let i = 0; i < found.length; i += 50) {
        if (i > 0) await new Promise((r) => setImmediate(r));
        stats.push(...(await Promise.all(found.slice(i, i + 50).map((f) => readCgroup(layout, f.rel)))));
      }
      const groups: Record<"unit" | "container", Entry[]> = { unit: [], container: [] };
      found.forEach((f, i) => {
        const s = stats[i]!;
        const name = f.kind === "unit" ? nameSegment(f.id) : containerNames.get(f.id)!;
        groups[f.kind].push({ name, memory: s.memoryBytes ?? 0, values: deriveCgroup(ctx, f.rel, s) });
      });
      for (const kind of ["unit", "container"] as const) {
        const { named, other, folded: n } = boundEntries(groups[kind], kind === "unit" ? options.max_units : options.max_containers);
        for (const e of named) for (const [k, v] of e.values) ctx.gauge(`${kind}.${e.name}.${k}`, v);
        if (other !== undefined) for (const [k, v] of other) ctx.gauge(`${kind}._other.${k}`, v);
        ctx.gauge(`${kind}s.count`, groups[kind].length);
        ctx.gauge(`${kind}s.folded`, n);
        folded?.set({ kind }, n);
      }
      ctx.gauge("scan_truncated", truncated ? 1 : 0);
    };
  },
});
