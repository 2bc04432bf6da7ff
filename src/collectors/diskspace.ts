/**
 * `diskspace`: used/free/avail bytes and inodes per mounted filesystem (Diamond's DiskSpaceCollector:
 * diskspace.root.byte_used, diskspace._boot.inodes_free …, or the filesystem's label when it has one). Mounts come from /proc/self/mountinfo
 * (one entry per device), sizes from statfs. NFS and glusterfs are measured by default as in Diamond, and
 * every statfs is bounded by statfs_timeout: a stale NFS mount is reported, never waited on. A
 * mount whose previous statfs has not returned yet is skipped, so a hung mount ties up at most one
 * libuv thread.
 */
import { opt } from "../config/index.js";
import { errorMessage } from "../lib/errors.js";
import { defineCollector } from "./types.js";
import type { FsStats } from "./procfs.js";
import { pathSegment } from "./publisher.js";
import { compileRegex } from "../lib/safe-regex.js";
import { byteUnitOption, convertBytes, roundTo } from "./units.js";

export interface Mount {
  readonly device: string;
  readonly mountPoint: string;
  readonly fsType: string;
  /** "major:minor" from mountinfo (undefined from /proc/mounts). */
  readonly devId?: string;
}

export const NETWORK_FILESYSTEMS = ["nfs", "nfs4", "cifs", "smb3", "smbfs", "ceph", "glusterfs", "fuse.glusterfs", "fuse.sshfs", "9p", "afs", "ncpfs", "lustre", "gpfs", "beegfs"] as const;

/** Octal escapes of mount tables (`\040` for a space). */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** /proc/self/mountinfo: `36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw`. */
export function parseMountinfo(text: string): Mount[] {
  const out: Mount[] = [];
  for (const line of text.split("\n")) {
    const c = line.trim().split(" ");
    const sep = c.indexOf("-", 6);
    if (c.length < 10 || sep < 0 || sep + 2 >= c.length) continue;
    out.push({ devId: c[2]!, mountPoint: unescapeMount(c[4]!), fsType: c[sep + 1]!, device: unescapeMount(c[sep + 2]!) });
  }
  return out;
}

/** /proc/mounts: `/dev/vda / ext4 rw,relatime 0 0`. */
export function parseMounts(text: string): Mount[] {
  const out: Mount[] = [];
  for (const line of text.split("\n")) {
    const c = line.trim().split(/\s+/);
    if (c.length < 3) continue;
    out.push({ device: unescapeMount(c[0]!), mountPoint: unescapeMount(c[1]!), fsType: c[2]! });
  }
  return out;
}

export interface MountFilter {
  readonly filesystems: readonly string[];
  readonly includeNetwork: boolean;
  readonly exclude: ReadonlyArray<{ test(mountPoint: string): boolean }>;
}

/** Which mounts to measure: listed types, no pseudo trees, no network unless asked, one per device. */
export function selectMounts(mounts: readonly Mount[], f: MountFilter): Mount[] {
  const types = new Set(f.filesystems);
  const network = new Set<string>(NETWORK_FILESYSTEMS);
  const seen = new Set<string>();
  const out: Mount[] = [];
  for (const m of mounts) {
    if (!types.has(m.fsType)) continue;
    if (network.has(m.fsType) && !f.includeNetwork) continue;
    if (!m.mountPoint.startsWith("/") || /^\/(dev|proc|sys)(\/|$)/.test(m.mountPoint)) continue;
    if (f.exclude.some((re) => re.test(m.mountPoint))) continue;
    const key = m.devId ?? m.device;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(m);
  }
  return out;
}

/** Diamond's naming: `/` → root, `/var/lib` → `_var_lib`, dots → `_`. */
export function mountName(mountPoint: string): string {
  if (mountPoint === "/") return "root";
  if (mountPoint === "/tmp") return "tmp";
  return mountPoint.replace(/\//g, "_").replace(/\./g, "_").replace(/\\/g, "").replace(/\s/g, "_");
}

/**
 * The published values of one filesystem, as Diamond computes and rounds them: per byte unit
 * `<unit>_percentfree` (bfree × 100 / blocks, 2 decimals, 0 for an empty filesystem) and
 * `<unit>_used/_free/_avail` (2 decimals); `inodes_percentfree` (whole percent, only when the
 * filesystem has inodes), inodes_used/_free/_avail.
 */
export function spaceMetrics(s: FsStats, units: readonly string[] = ["byte"]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const u of units) {
    out[`${u}_percentfree`] = roundTo(s.blocks > 0 ? (s.bfree / s.blocks) * 100 : 0, 2);
    out[`${u}_used`] = roundTo(convertBytes(s.bsize * (s.blocks - s.bfree), "byte", u), 2);
    out[`${u}_free`] = roundTo(convertBytes(s.bsize * s.bfree, "byte", u), 2);
    out[`${u}_avail`] = roundTo(convertBytes(s.bsize * s.bavail, "byte", u), 2);
  }
  if (s.files > 0) out["inodes_percentfree"] = roundTo((s.ffree / s.files) * 100, 0);
  out["inodes_used"] = s.files - s.ffree;
  out["inodes_free"] = s.ffree;
  out["inodes_avail"] = s.ffree;
  return out;
}

class StatfsTimeout extends Error {}

export const diskspaceCollector = defineCollector({
  name: "diskspace",
  help: "bytes and inodes used/free/avail per mounted local filesystem (statfs, bounded by a timeout)",
  enabledByDefault: true,
  options: {
    filesystems: opt.list("ext2, ext3, ext4, xfs, glusterfs, nfs, nfs4, ntfs, hfs, fat32, fat16, btrfs, zfs, f2fs, jfs, reiserfs, vfat", "filesystem types to measure (Diamond's list, NFS and glusterfs included, plus zfs, f2fs, jfs, reiserfs, vfat)"),
    include_network: opt.bool(true, `measure the network filesystems (${NETWORK_FILESYSTEMS.slice(0, 4).join(", ")} …) listed in filesystems, as Diamond does; a hung one is bounded by statfs_timeout`),
    byte_unit: byteUnitOption("byte", "units of the byte values: byte_used, gigabyte_used … (and <unit>_percentfree) for each"),
    exclude_filters: opt.list("^/export/home", "regexes of mount points to skip"),
    statfs_timeout: opt.duration("2s", "longest wait for one filesystem's statfs (a hung NFS server)", { min: 10 }),
    use_labels: opt.bool(true, "name a filesystem by its label (/dev/disk/by-label) when it has one, as Diamond does"),
  },
  create(options, env) {
    const filter: MountFilter = {
      filesystems: options.filesystems,
      includeNetwork: options.include_network,
      exclude: options.exclude_filters.map((r) => compileRegex(r, "[collector.diskspace] exclude_filters")),
    };
    const pending = new Set<string>();
    const reported = new Set<string>();
    const statBounded = (mountPoint: string): Promise<FsStats> => {
      pending.add(mountPoint);
      const call = env.procfs.statfs(mountPoint);
      void call.then(
        () => pending.delete(mountPoint),
        () => pending.delete(mountPoint),
      );
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new StatfsTimeout(`statfs ${mountPoint} took over ${options.statfs_timeout} ms`)), options.statfs_timeout);
      });
      return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
    };
    return async (ctx) => {
      let mounts: Mount[];
      try {
        mounts = parseMountinfo(await env.procfs.readProc("self/mountinfo"));
      } catch {
        mounts = parseMounts(await env.procfs.readProc("mounts"));
      }
      const selected = selectMounts(mounts, filter);
      const labels = options.use_labels ? await env.procfs.diskLabels() : new Map<string, string>();
      await Promise.all(
        selected.map(async (m) => {
          if (pending.has(m.mountPoint)) {
            if (!reported.has(m.mountPoint)) env.log.warn("statfs still hanging, skipping mount", { mount: m.mountPoint });
            reported.add(m.mountPoint);
            return;
          }
          let s: FsStats;
          try {
            s = await statBounded(m.mountPoint);
          } catch (err) {
            if (err instanceof StatfsTimeout) env.limitHit?.("statfs_timeout");
            // Unmounted between reading the table and statfs, permission denied, or hung.
            if (!reported.has(m.mountPoint)) env.log.warn("cannot statfs mount", { mount: m.mountPoint, err: errorMessage(err) });
            reported.add(m.mountPoint);
            return;
          }
          reported.delete(m.mountPoint);
          const label = labels.get(m.device);
          const name = label !== undefined ? pathSegment(label) : mountName(m.mountPoint);
          for (const [k, v] of Object.entries(spaceMetrics(s, options.byte_unit))) ctx.gauge(`${name}.${k}`, v);
        }),
      );
    };
  },
});
