// Shared by the collector tests: an in-memory procfs over fixture files, a recording sink, and a
// harness running one collector through the real config → registry → scheduler path on a fake clock.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { defaultConfig } from "../../src/config/index.js";
import { FakeClock } from "../../src/lib/clock.js";
import { silentLogger, type Logger } from "../../src/lib/logger.js";
import { MetricsRegistry } from "../../src/lib/metrics.js";
import { PROJECT_ROOT } from "../../src/lib/package-info.js";
import type { Sample, SampleSink } from "../../src/model/index.js";
import { createCollectors, type Collectors, type FsStats, type ProcFs, type CollectorRegistry } from "../../src/collectors/index.js";

export const FIXTURES = join(PROJECT_ROOT, "test", "fixtures");

export function fixture(path: string): string {
  return readFileSync(join(FIXTURES, path), "utf8");
}

/** Every file under a fixture folder, keyed by its path inside it ("net/dev"). */
export function fixtureTree(dir: string): Map<string, string> {
  const root = join(FIXTURES, dir);
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(root, p), readFileSync(p, "utf8"));
    }
  };
  walk(root);
  return out;
}

/** A procfs whose files tests change between runs. */
export class MemoryProcFs implements ProcFs {
  readonly proc = new Map<string, string>();
  readonly sys = new Map<string, string>();
  readonly fs = new Map<string, FsStats | Error | "hang">();
  readonly labels = new Map<string, string>();
  /** udev database entries ("b8:0" → "E:ID_MODEL=…"). */
  readonly udev = new Map<string, string>();
  statfsCalls = 0;

  constructor(proc: Map<string, string> = new Map(), sys: Map<string, string> = new Map()) {
    for (const [k, v] of proc) this.proc.set(k, v);
    for (const [k, v] of sys) this.sys.set(k, v);
  }

  private static missing(path: string): Error {
    return Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: "ENOENT" });
  }

  async readProc(path: string): Promise<string> {
    const v = this.proc.get(path);
    if (v === undefined) throw MemoryProcFs.missing(`/proc/${path}`);
    return v;
  }

  async listProc(path: string): Promise<string[]> {
    const prefix = path === "" ? "" : `${path}/`;
    const names = new Set<string>();
    for (const k of this.proc.keys()) if (k.startsWith(prefix)) names.add(k.slice(prefix.length).split("/")[0]!);
    return [...names];
  }

  readProcSync(path: string): string {
    const v = this.proc.get(path);
    if (v === undefined) throw MemoryProcFs.missing(`/proc/${path}`);
    return v;
  }

  async listSys(path: string): Promise<string[]> {
    const prefix = path === "" ? "" : `${path}/`;
    const names = new Set<string>();
    for (const k of this.sys.keys()) if (k.startsWith(prefix)) names.add(k.slice(prefix.length).split("/")[0]!);
    if (names.size === 0) throw MemoryProcFs.missing(`/sys/${path}`);
    return [...names];
  }

  async readUdev(entry: string): Promise<string> {
    const v = this.udev.get(entry);
    if (v === undefined) throw MemoryProcFs.missing(`/run/udev/data/${entry}`);
    return v;
  }

  async readSys(path: string): Promise<string> {
    const v = this.sys.get(path);
    if (v === undefined) throw MemoryProcFs.missing(`/sys/${path}`);
    return v;
  }

  async diskLabels(): Promise<Map<string, string>> {
    return new Map(this.labels);
  }

  statfs(mountPoint: string): Promise<FsStats> {
    this.statfsCalls++;
    const v = this.fs.get(mountPoint);
    if (v === "hang") return new Promise(() => undefined);
    if (v === undefined) return Promise.reject(MemoryProcFs.missing(mountPoint));
    if (v instanceof Error) return Promise.reject(v);
    return Promise.resolve(v);
  }
}

/** The captured machine ("vm", 2 CPUs) as a MemoryProcFs. */
export function vmProcFs(): MemoryProcFs {
  return new MemoryProcFs(fixtureTree("proc/vm"), fixtureTree("sys/vm"));
}

export class RecordingSink implements SampleSink {
  readonly batches: Sample[][] = [];
  fail: Error | undefined;
  async write(batch: readonly Sample[]): Promise<void> {
    if (this.fail !== undefined) throw this.fail;
    this.batches.push([...batch]);
  }
  get samples(): Sample[] {
    return this.batches.flat();
  }
  /** The last value of each series name. */
  last(): Map<string, number> {
    const m = new Map<string, number>();
    for (const s of this.samples) m.set(s.name, s.value);
    return m;
  }
  clear(): void {
    this.batches.length = 0;
  }
}

export interface Harness {
  readonly collectors: Collectors;
  readonly sink: RecordingSink;
  readonly clock: FakeClock;
  readonly procfs: MemoryProcFs;
  readonly metrics: MetricsRegistry;
  /** Runs `name` at the clock's time; returns what it published, keyed by name below `servers.testhost.<path>.`. */
  run(name: string): Promise<Map<string, number>>;
}

export async function harness(
  only: readonly string[],
  options: { ini?: string; procfs?: MemoryProcFs; registry?: CollectorRegistry; log?: Logger; start?: number } = {},
): Promise<Harness> {
  const config = defaultConfig(`[collectors]\nhostname = testhost\n${options.ini ?? ""}`);
  const sink = new RecordingSink();
  const clock = new FakeClock(options.start ?? 1_700_000_000_000);
  const procfs = options.procfs ?? vmProcFs();
  const metrics = new MetricsRegistry();
  const collectors = await createCollectors({
    config,
    sink,
    clock,
    procfs,
    metrics,
    log: options.log ?? silentLogger,
    only,
    ...(options.registry !== undefined ? { registry: options.registry } : {}),
  });
  return {
    collectors,
    sink,
    clock,
    procfs,
    metrics,
    async run(name) {
      sink.clear();
      const outcome = await collectors.scheduler.run(name);
      if (outcome !== "ok") throw new Error(`${name}: ${outcome}: ${collectors.scheduler.stats(name)?.lastError}`);
      const out = new Map<string, number>();
      for (const s of sink.samples) {
        const m = /^servers\.testhost\.[^.]+\.(.*)$/.exec(s.name);
        if (m !== null) out.set(m[1]!, s.value);
      }
      return out;
    },
  };
}
