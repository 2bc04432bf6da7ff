/**
 * Access to /proc, /sys and statfs behind one injectable object, so every collector runs against
 * captured fixtures in tests (test/fixtures/proc, test/fixtures/sys) and the live kernel in
 * production. No shelling out anywhere.
 */
import { readFile, readdir, realpath, statfs } from "node:fs/promises";
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { join } from "node:path";

/** What statfs(2) says about a mounted filesystem, in blocks of `bsize` bytes. */
export interface FsStats {
  readonly bsize: number;
  readonly blocks: number;
  readonly bfree: number;
  readonly bavail: number;
  readonly files: number;
  readonly ffree: number;
}

export interface ProcFs {
  /** Reads `<proc root>/<path>` ("stat", "net/dev", "1/stat"). */
  readProc(path: string): Promise<string>;
  /** Lists `<proc root>/<path>` ("" for the root). */
  listProc(path: string): Promise<string[]>;
  /** Reads `<sys root>/<path>` ("devices/system/cpu/online"). */
  readSys(path: string): Promise<string>;
  /** statfs(2) of an absolute mount point (not re-rooted: it asks the live kernel unless faked). */
  statfs(mountPoint: string): Promise<FsStats>;
  /** Device node → filesystem label, from /dev/disk/by-label (empty when there is none). */
  diskLabels(): Promise<Map<string, string>>;
  /**
   * Reads a small /proc file synchronously (per-process files: thousands per run, where a thread-pool
   * round trip each costs more than the read). Throws like readProc.
   */
  readProcSync?(path: string): string;
  /** Lists `<sys root>/<path>` ("class/hwmon"). */
  listSys?(path: string): Promise<string[]>;
  /** udev's database entry of a block device ("b8:0" → /run/udev/data/b8:0), for persistent names. */
  readUdev?(entry: string): Promise<string>;
}

export interface ProcFsRoots {
  readonly proc?: string;
  readonly sys?: string;
  /** Replaces statfs (tests, or a fixture machine). */
  readonly statfs?: (mountPoint: string) => Promise<FsStats>;
  /** Folder of label symlinks (default /dev/disk/by-label). */
  readonly byLabel?: string;
  /** udev database folder (default /run/udev/data). */
  readonly udev?: string;
}

async function liveStatfs(mountPoint: string): Promise<FsStats> {
  const s = await statfs(mountPoint);
  return { bsize: s.bsize, blocks: s.blocks, bfree: s.bfree, bavail: s.bavail, files: s.files, ffree: s.ffree };
}

export function createProcFs(roots: ProcFsRoots = {}): ProcFs {
  const proc = roots.proc ?? "/proc";
  const sys = roots.sys ?? "/sys";
  return {
    readProc: (path) => readFile(join(proc, path), "utf8"),
    listProc: (path) => readdir(join(proc, path)),
    readSys: (path) => readFile(join(sys, path), "utf8"),
    statfs: roots.statfs ?? liveStatfs,
    diskLabels: () => readDiskLabels(roots.byLabel ?? "/dev/disk/by-label"),
    readProcSync: (path) => readSmallSync(join(proc, path)),
    listSys: (path) => readdir(join(sys, path)),
    readUdev: (entry) => readFile(join(roots.udev ?? "/run/udev/data", entry), "utf8"),
  };
}

const smallBuf = Buffer.allocUnsafe(16384);

/** open + read into one reused buffer + close: the cheapest way to read a /proc file in Node. */
function readSmallSync(path: string): string {
  const fd = openSync(path, "r");
  try {
    let len = 0;
    for (;;) {
      const n = readSync(fd, smallBuf, len, smallBuf.length - len, null);
      if (n === 0) break;
      len += n;
      if (len === smallBuf.length) return smallBuf.toString("utf8", 0, len) + readFileSync(fd, "utf8");
    }
    return smallBuf.toString("utf8", 0, len);
  } finally {
    closeSync(fd);
  }
}

/** udev escapes odd characters of labels as \xNN. */
function unescapeLabel(name: string): string {
  return name.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

async function readDiskLabels(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    try {
      out.set(await realpath(join(dir, n)), unescapeLabel(n));
    } catch {
      // dangling link
    }
  }
  return out;
}

/** Number of online CPUs from /sys/devices/system/cpu/online ("0-3,6"), else from /proc/stat. */
export async function onlineCpus(fs: ProcFs): Promise<number> {
  try {
    const n = parseCpuList(await fs.readSys("devices/system/cpu/online"));
    if (n > 0) return n;
  } catch {
    // fall through to /proc/stat
  }
  const stat = await fs.readProc("stat");
  let n = 0;
  for (const line of stat.split("\n")) if (/^cpu\d+\s/.test(line)) n++;
  return Math.max(1, n);
}

/** Counts the CPUs of a kernel cpu list ("0-3,6,8-9" → 7). */
export function parseCpuList(text: string): number {
  let n = 0;
  for (const part of text.trim().split(",")) {
    if (part === "") continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (m === null) continue;
    n += m[2] === undefined ? 1 : Number(m[2]) - Number(m[1]) + 1;
  }
  return n;
}
