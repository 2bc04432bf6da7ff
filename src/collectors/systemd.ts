/**
 * `systemd`: unit states from `systemctl list-units --all --plain --no-legend` (run with a
 * timeout; no D-Bus client needed). Paths below `systemd.`:
 *   units.<active state>      count of units per ACTIVE state (active, failed, activating, deactivating,
 *                             inactive, reloading, maintenance), of the unit `types` asked (default services)
 *   units.total
 *   unit.<name>.active        1/0 for each unit named in `units` (".service" dropped, odd characters → _)
 *   unit.<name>.state         0 inactive, 1 active, 2 activating, 3 deactivating, 4 reloading, 5 failed,
 *                             6 maintenance, -1 not loaded
 * Where systemd is not PID 1 (no /run/systemd/system: containers, WSL, this project's build VM) it
 * publishes nothing and says so once in the log.
 */
import { execFile } from "node:child_process";
import { access } from "node:fs/promises";
import { opt } from "../config/index.js";
import { nameSegment } from "./cgroups-discover.js";
import { defineCollector } from "./types.js";

export const ACTIVE_STATES = ["inactive", "active", "activating", "deactivating", "reloading", "failed", "maintenance"] as const;

export interface UnitRow {
  readonly unit: string;
  readonly load: string;
  readonly active: string;
  readonly sub: string;
}

/** `UNIT LOAD ACTIVE SUB DESCRIPTION` lines (a leading ● of failed units tolerated). */
export function parseListUnits(text: string): UnitRow[] {
  const out: UnitRow[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/^[\s●*]+/, "");
    const [unit, load, active, sub] = line.split(/\s+/);
    if (unit === undefined || unit === "" || load === undefined || active === undefined || sub === undefined) continue;
    if (!/^[^\s]+\.[a-z]+$/.test(unit)) continue;
    out.push({ unit, load, active, sub });
  }
  return out;
}

/** Counts per ACTIVE state of the units whose type is in `types` (all when empty). */
export function countStates(rows: readonly UnitRow[], types: readonly string[]): Map<string, number> {
  const out = new Map<string, number>(ACTIVE_STATES.map((s) => [s, 0]));
  let total = 0;
  for (const r of rows) {
    const type = r.unit.slice(r.unit.lastIndexOf(".") + 1);
    if (types.length > 0 && !types.includes(type)) continue;
    total++;
    out.set(r.active, (out.get(r.active) ?? 0) + 1);
  }
  out.set("total", total);
  return out;
}

/** The state code of a unit named in `units` (-1 when systemctl does not list it). */
export function stateCode(row: UnitRow | undefined): number {
  if (row === undefined || row.load === "not-found") return -1;
  const i = (ACTIVE_STATES as readonly string[]).indexOf(row.active);
  return i < 0 ? -1 : i;
}

function runSystemctl(bin: string, timeoutMs: number, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bin, ["list-units", "--all", "--plain", "--no-legend", "--no-pager"], { timeout: timeoutMs, signal, maxBuffer: 16 * 1024 * 1024, env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", SYSTEMD_COLORS: "0", SYSTEMD_PAGER: "", LC_ALL: "C" } }, (err, stdout, stderr) => {
      if (err !== null) {
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        reject(new Error(e.killed === true ? `${bin} list-units took longer than ${timeoutMs} ms ([collector.systemd] command_timeout)` : `${bin} list-units failed: ${(stderr.trim() || e.code) ?? e.message}`));
      } else resolve(stdout);
    });
  });
}

export const systemdCollector = defineCollector({
  name: "systemd",
  help: "systemd unit states: counts per state (active, failed …) and, for units named in `units`, each one's state",
  enabledByDefault: false,
  options: {
    units: opt.list("", "units whose own state to publish (nginx.service, ssh.service); empty: counts only"),
    types: opt.list("service", "unit types counted (service, socket, timer, mount …); empty: all"),
    systemctl: opt.string("/usr/bin/systemctl", "the systemctl program"),
    booted_marker: opt.string("/run/systemd/system", "exists when systemd is PID 1 (sd_booted); without it the collector idles"),
    command_timeout: opt.duration("5s", "how long systemctl may take", { min: 100 }),
  },
  create(options, env) {
    let idleLogged = false;
    return async (ctx) => {
      const booted = await access(options.booted_marker).then(
        () => true,
        () => false,
      );
      if (!booted) {
        if (!idleLogged) env.log.info("systemd is not running here (no booted marker); collector idle", { marker: options.booted_marker });
        idleLogged = true;
        return;
      }
      idleLogged = false;
      const rows = parseListUnits(await runSystemctl(options.systemctl, options.command_timeout, ctx.signal));
      for (const [state, n] of countStates(rows, options.types)) ctx.gauge(`units.${state}`, n);
      const byName = new Map(rows.map((r) => [r.unit, r]));
      for (const u of options.units) {
        const name = u.includes(".") ? u : `${u}.service`;
        const code = stateCode(byName.get(name));
        ctx.gauge(`unit.${nameSegment(name)}.state`, code);
        ctx.gauge(`unit.${nameSegment(name)}.active`, code === 1 ? 1 : 0);
      }
    };
  },
});
