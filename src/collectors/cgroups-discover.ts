/**
 * Finding systemd units and containers in a cgroup tree, and naming them.
 *   v2 (cgroup.controllers at the root): one tree.
 *   v1 (cpuacct/, memory/ … under the root): walked in the memory (else cpuacct) hierarchy;
 *   each controller's files are then read at the same relative path.
 * A unit is `system.slice/<name>.service`. A container is a folder named by a 64-hex id, bare
 * (`docker/<id>`, cgroupfs driver) or as a systemd scope (`docker-<id>.scope`, `libpod-<id>.scope`,
 * `cri-containerd-<id>.scope`, `crio-<id>.scope`). The walk does not descend into either.
 */
import { readdir, readFile, access } from "node:fs/promises";
import { join } from "node:path";

export type CgroupMode = "v2" | "v1" | "none";

export interface CgroupLayout {
  readonly mode: CgroupMode;
  readonly root: string;
  /** Where units and containers are looked for. */
  readonly walkRoot: string;
}

export type Runtime = "docker" | "podman" | "containerd" | "crio" | "container";

export interface FoundCgroup {
  readonly kind: "unit" | "container";
  /** Path relative to the walk root ("system.slice/nginx.service"). */
  readonly rel: string;
  /** Unit name ("nginx.service") or container id. */
  readonly id: string;
  readonly runtime?: Runtime;
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

export async function detectLayout(root: string): Promise<CgroupLayout> {
  if (await exists(join(root, "cgroup.controllers"))) return { mode: "v2", root, walkRoot: root };
  for (const c of ["memory", "cpuacct", "cpu,cpuacct"]) {
    if (await exists(join(root, c))) return { mode: "v1", root, walkRoot: join(root, c) };
  }
  return { mode: "none", root, walkRoot: root };
}

const CONTAINER = /^(?:(docker|libpod|cri-containerd|crio)-)?([0-9a-f]{64})(?:\.scope)?$/;
const PREFIX_RUNTIME: Record<string, Runtime> = { docker: "docker", libpod: "podman", "cri-containerd": "containerd", crio: "crio" };

/** What a cgroup folder is, from its path alone. */
export function classifyCgroup(rel: string): FoundCgroup | undefined {
  const parts = rel.split("/");
  const base = parts[parts.length - 1]!;
  const parent = parts[parts.length - 2];
  const m = CONTAINER.exec(base);
  if (m !== null) {
    let runtime: Runtime = m[1] !== undefined ? PREFIX_RUNTIME[m[1]]! : "container";
    if (m[1] === undefined && parent !== undefined) {
      if (parent === "docker") runtime = "docker";
      else if (parent.startsWith("libpod")) runtime = "podman";
      else if (parts.some((p) => p.startsWith("kubepods"))) runtime = "containerd";
    }
    return { kind: "container", rel, id: m[2]!, runtime };
  }
  if (parent === "system.slice" && base.endsWith(".service")) return { kind: "unit", rel, id: base };
  return undefined;
}

export interface DiscoverResult {
  readonly found: FoundCgroup[];
  /** Folders looked at. */
  readonly scanned: number;
  /** The walk stopped at max_scan folders. */
  readonly truncated: boolean;
}

/** Breadth-first walk to `maxDepth` levels, at most `maxScan` folders. */
export async function discoverCgroups(walkRoot: string, o: { maxScan: number; maxDepth: number }): Promise<DiscoverResult> {
  const found: FoundCgroup[] = [];
  let scanned = 0;
  let level: string[] = [""];
  for (let depth = 0; depth < o.maxDepth && level.length > 0; depth++) {
    const next: string[] = [];
    for (const rel of level) {
      if (scanned >= o.maxScan) return { found, scanned, truncated: true };
      scanned++;
      let entries;
      try {
        entries = await readdir(join(walkRoot, rel), { withFileTypes: true });
      } catch {
        continue; // gone between listing and reading
      }
      for (const e of entries) {
        if (!e.isDirectory()) continue;
        const child = rel === "" ? e.name : `${rel}/${e.name}`;
        const c = classifyCgroup(child);
        if (c !== undefined) found.push(c);
        else next.push(child);
      }
    }
    level = next;
  }
  return { found, scanned, truncated: false };
}

/** A Graphite path segment from a unit or container name: `getty@tty1.service` → `getty_tty1`. */
export function nameSegment(name: string): string {
  return name.replace(/\.service$/, "").replace(/[^A-Za-z0-9_-]/g, "_");
}

/**
 * Container names from the runtimes' state files, cached by id: Docker's
 * `<docker_root>/containers/<id>/config.v2.json` (Name), Podman's
 * `<podman_root>/overlay-containers/containers.json` (names[0]); else the short id (12 hex).
 */
export class ContainerNames {
  private readonly cache = new Map<string, string>();

  constructor(
    private readonly dockerRoot: string,
    private readonly podmanRoot: string,
  ) {}

  async resolve(found: readonly FoundCgroup[]): Promise<Map<string, string>> {
    const containers = found.filter((f) => f.kind === "container");
    const unknown = containers.filter((c) => !this.cache.has(c.id));
    if (unknown.length > 0) {
      const podman = unknown.some((c) => c.runtime === "podman") ? await this.podmanNames() : new Map<string, string>();
      for (const c of unknown) {
        const name = podman.get(c.id) ?? (c.runtime === "docker" || c.runtime === "container" ? await this.dockerName(c.id) : undefined);
        this.cache.set(c.id, name ?? c.id.slice(0, 12));
      }
    }
    const live = new Set(containers.map((c) => c.id));
    for (const id of this.cache.keys()) if (!live.has(id)) this.cache.delete(id);
    const out = new Map<string, string>();
    const used = new Set<string>();
    for (const c of containers) {
      let name = nameSegment(this.cache.get(c.id)!);
      if (used.has(name)) name = `${name}_${c.id.slice(0, 12)}`;
      used.add(name);
      out.set(c.id, name);
    }
    return out;
  }

  private async dockerName(id: string): Promise<string | undefined> {
    try {
      const j = JSON.parse(await readFile(join(this.dockerRoot, "containers", id, "config.v2.json"), "utf8")) as { Name?: unknown };
      return typeof j.Name === "string" && j.Name.replace(/^\//, "") !== "" ? j.Name.replace(/^\//, "") : undefined;
    } catch {
      return undefined; // unreadable (not root) or not Docker's: the short id
    }
  }

  private async podmanNames(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    try {
      const list = JSON.parse(await readFile(join(this.podmanRoot, "overlay-containers", "containers.json"), "utf8")) as unknown;
      if (!Array.isArray(list)) return out;
      for (const c of list as Array<{ id?: unknown; names?: unknown }>) {
        if (typeof c.id === "string" && Array.isArray(c.names) && typeof c.names[0] === "string") out.set(c.id, c.names[0]);
      }
    } catch {
      // no podman state readable here
    }
    return out;
  }
}
