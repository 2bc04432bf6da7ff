/**
 * `loupe setup --detect`: looks for services and hardware this host has (local ports and sockets,
 * cgroups, systemd, hwmon, smartctl) and prints the `[collector.*]` sections to paste, each left
 * `enabled = false` with what to do to turn it on. Every probe is short (connect timeout
 * 500 ms) and read-only: nothing is written to any server.
 */
import { access, readdir } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { detectLayout, discoverCgroups } from "./cgroups-discover.js";
import { parseStubStatus } from "./nginx.js";
import { exchange } from "./services/resp.js";

export interface DetectOptions {
  readonly host?: string;
  readonly ports?: Partial<Record<"mysql" | "postgres" | "redis", number>>;
  readonly nginxUrls?: readonly string[];
  readonly sockets?: Partial<Record<"mysql" | "postgres" | "redis", readonly string[]>>;
  readonly cgroupRoot?: string;
  readonly hwmonDir?: string;
  readonly smartctl?: string;
  readonly systemdMarker?: string;
  readonly timeoutMs?: number;
}

export interface Finding {
  /** The collector section it suggests. */
  readonly collector: string;
  /** What was found, one line. */
  readonly found: string;
  /** How to turn it on. */
  readonly howTo: readonly string[];
  /** Keys to write in the section (besides enabled = false). */
  readonly keys: ReadonlyArray<readonly [string, string]>;
}

function tcpOpen(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
  });
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

async function firstExisting(paths: readonly string[]): Promise<string | undefined> {
  for (const p of paths) if (await exists(p)) return p;
  return undefined;
}

async function detectMysql(o: Required<DetectOptions>): Promise<Finding | undefined> {
  const port = o.ports.mysql ?? 3306;
  const [tcp, socket] = await Promise.all([tcpOpen(o.host, port, o.timeoutMs), firstExisting(o.sockets.mysql ?? [])]);
  if (!tcp && socket === undefined) return undefined;
  const where = [tcp ? `${o.host}:${port}` : "", socket ?? ""].filter((s) => s !== "").join(" and ");
  return {
    collector: "mysql",
    found: `MariaDB/MySQL listening on ${where}`,
    howTo: [
      "create a user for Loupe (no privilege is needed for SHOW GLOBAL STATUS; REPLICATION CLIENT for slave = true):",
      "  CREATE USER 'loupe'@'localhost' IDENTIFIED BY 'choose-a-password';",
      "  GRANT PROCESS, REPLICATION CLIENT ON *.* TO 'loupe'@'localhost';",
      "then set password below (or LOUPE_COLLECTOR_MYSQL_PASSWORD) and enabled = true",
    ],
    keys: socket !== undefined ? [["socket", socket], ["user", "loupe"], ["password", ""]] : [["host", o.host], ["port", String(port)], ["user", "loupe"], ["password", ""]],
  };
}

async function detectPostgres(o: Required<DetectOptions>): Promise<Finding | undefined> {
  const port = o.ports.postgres ?? 5432;
  const socketDirs = (o.sockets.postgres ?? []).map((d) => join(d, `.s.PGSQL.${port}`));
  const [tcp, socket] = await Promise.all([tcpOpen(o.host, port, o.timeoutMs), firstExisting(socketDirs)]);
  if (!tcp && socket === undefined) return undefined;
  const where = [tcp ? `${o.host}:${port}` : "", socket ?? ""].filter((s) => s !== "").join(" and ");
  return {
    collector: "postgres",
    found: `PostgreSQL listening on ${where}`,
    howTo: [
      "create a role for Loupe (pg_monitor is enough):",
      "  CREATE ROLE loupe LOGIN PASSWORD 'choose-a-password' IN ROLE pg_monitor;",
      "then set password below and enabled = true",
    ],
    keys: [["host", tcp ? o.host : socket!.slice(0, socket!.lastIndexOf("/"))], ["port", String(port)], ["user", "loupe"], ["password", ""]],
  };
}

async function detectRedis(o: Required<DetectOptions>): Promise<Finding | undefined> {
  const port = o.ports.redis ?? 6379;
  const [tcp, socket] = await Promise.all([tcpOpen(o.host, port, o.timeoutMs), firstExisting(o.sockets.redis ?? [])]);
  if (!tcp && socket === undefined) return undefined;
  const target = tcp ? { host: o.host, port } : { host: "", port: 0, socket: socket! };
  let answer: string;
  try {
    const [info] = await exchange(target, [["INFO", "server"]], AbortSignal.timeout(o.timeoutMs));
    answer = /redis_version:(\S+)/.exec(info ?? "")?.[1] !== undefined ? `INFO answered without a password (Redis ${/redis_version:(\S+)/.exec(info!)![1]}): ready to enable` : "INFO answered";
  } catch (err) {
    answer = /NOAUTH|AUTH/.test((err as Error).message) ? "the server wants a password: set password below" : `INFO failed: ${(err as Error).message}`;
  }
  return {
    collector: "redis",
    found: `Redis listening on ${tcp ? `${o.host}:${port}` : socket!}; ${answer}`,
    howTo: ["set enabled = true (and password when the server has requirepass)"],
    keys: tcp ? [["host", o.host], ["port", String(port)]] : [["socket", socket!]],
  };
}

async function detectNginx(o: Required<DetectOptions>): Promise<Finding | undefined> {
  for (const url of o.nginxUrls) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(o.timeoutMs) });
      const body = await res.text();
      if (!res.ok) continue;
      parseStubStatus(body);
      const u = new URL(url);
      return { collector: "nginx", found: `nginx stub_status at ${url}`, howTo: ["set enabled = true"], keys: [["req_host", u.hostname], ["req_port", u.port || "80"], ["req_path", u.pathname]] };
    } catch {
      // not there, or not a stub_status page
    }
  }
  return undefined;
}

async function detectCgroups(o: Required<DetectOptions>): Promise<Finding | undefined> {
  const layout = await detectLayout(o.cgroupRoot);
  if (layout.mode === "none") return undefined;
  const d = await discoverCgroups(layout.walkRoot, { maxScan: 5000, maxDepth: 8 });
  const units = d.found.filter((f) => f.kind === "unit").length;
  const containers = d.found.filter((f) => f.kind === "container").length;
  const runtimes = [["Docker", "/run/docker.sock"], ["Podman", "/run/podman/podman.sock"], ["containerd", "/run/containerd/containerd.sock"]] as const;
  const present: string[] = [];
  for (const [name, sock] of runtimes) if (await exists(sock)) present.push(name);
  return {
    collector: "cgroups",
    found: `cgroup ${layout.mode} at ${o.cgroupRoot}: ${units} systemd service(s), ${containers} container(s)${present.length > 0 ? ` (${present.join(", ")} running)` : ""}`,
    howTo: ["set enabled = true; the Containers dashboard shows them"],
    keys: [],
  };
}

async function detectSystemd(o: Required<DetectOptions>): Promise<Finding | undefined> {
  if (!(await exists(o.systemdMarker))) return undefined;
  return { collector: "systemd", found: "systemd is PID 1", howTo: ["set enabled = true; list units to follow one by one in `units`"], keys: [["units", ""]] };
}

/**
 * Hardware: notes, plus a section when a collector for it exists among `collectors` (names such as
 * hwmon/sensors and smart/smartctl; they live beside this one and may be named either way).
 */
async function detectHardware(o: Required<DetectOptions>, collectors: readonly string[]): Promise<{ notes: string[]; findings: Finding[] }> {
  const notes: string[] = [];
  const findings: Finding[] = [];
  const sensors = await readdir(o.hwmonDir).catch(() => [] as string[]);
  const smart = await exists(o.smartctl);
  notes.push(sensors.length > 0 ? `hwmon: ${sensors.length} sensor chip(s) in ${o.hwmonDir}` : `hwmon: no sensors in ${o.hwmonDir} (usual on a VM)`);
  notes.push(smart ? `smartctl: ${o.smartctl} present (disk health)` : `smartctl: not installed (Debian package smartmontools)`);
  const hw = collectors.find((c) => /^(hwmon|sensors|temperature)/.test(c));
  if (sensors.length > 0 && hw !== undefined) findings.push({ collector: hw, found: `${sensors.length} hwmon sensor chip(s)`, howTo: ["set enabled = true"], keys: [] });
  const sm = collectors.find((c) => /^smart/.test(c));
  if (smart && sm !== undefined) findings.push({ collector: sm, found: `smartctl at ${o.smartctl}`, howTo: ["set enabled = true (smartctl needs root to read most disks)"], keys: [] });
  return { notes, findings };
}

const DEFAULTS: Required<DetectOptions> = {
  host: "127.0.0.1",
  ports: {},
  nginxUrls: ["http://127.0.0.1:8080/nginx_status", "http://127.0.0.1/nginx_status", "http://127.0.0.1/stub_status"],
  sockets: {
    mysql: ["/run/mysqld/mysqld.sock", "/var/run/mysqld/mysqld.sock", "/var/lib/mysql/mysql.sock", "/tmp/mysql.sock"],
    postgres: ["/run/postgresql", "/var/run/postgresql", "/tmp"],
    redis: ["/run/redis/redis-server.sock", "/var/run/redis/redis-server.sock", "/run/redis/redis.sock"],
  },
  cgroupRoot: "/sys/fs/cgroup",
  hwmonDir: "/sys/class/hwmon",
  smartctl: "/usr/sbin/smartctl",
  systemdMarker: "/run/systemd/system",
  timeoutMs: 500,
};

/** `collectors`: the names known (built-ins and plugins), for the hardware sections. */
export async function detect(options: DetectOptions = {}, collectors: readonly string[] = []): Promise<{ findings: Finding[]; notes: string[] }> {
  const o: Required<DetectOptions> = { ...DEFAULTS, ...options, ports: { ...options.ports }, sockets: { ...DEFAULTS.sockets, ...options.sockets } };
  const found = await Promise.all([detectMysql(o), detectPostgres(o), detectRedis(o), detectNginx(o), detectCgroups(o), detectSystemd(o)]);
  const hw = await detectHardware(o, collectors);
  return { findings: [...found.filter((f): f is Finding => f !== undefined), ...hw.findings], notes: hw.notes };
}

/** The INI text to print. */
export function formatDetect(r: { findings: readonly Finding[]; notes: readonly string[] }): string {
  let out = ";; loupe setup --detect: sections for what this host runs. Each is off; follow its steps, then\n;; paste it into loupe.ini (see `loupe setup --print -C NAME` for every option).\n";
  if (r.findings.length === 0) out += "\n; no MySQL/MariaDB, PostgreSQL, Redis, nginx stub_status, cgroups or systemd found\n";
  for (const f of r.findings) {
    out += `\n; found: ${f.found}\n`;
    for (const h of f.howTo) out += `; ${h}\n`;
    out += `[collector.${f.collector}]\nenabled = false\n`;
    for (const [k, v] of f.keys) out += `${k} = ${v}\n`;
  }
  out += "\n";
  for (const n of r.notes) out += `; ${n}\n`;
  return out;
}
