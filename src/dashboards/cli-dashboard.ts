/**
 * `loupe dashboard list|export|import`: dashboards from the shell, on the database of the config
 * (Loupe may be running: SQLite's WAL lets both work). Import takes Loupe exports and Grafana
 * dashboard JSON and prints what was skipped. Registered in src/cli.ts with
 * registerCommand("dashboard", dashboardCommand).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadConfigOrReport, withDatabase } from "../cli-support.js";
import { systemClock } from "../lib/clock.js";
import { errorMessage } from "../lib/errors.js";
import { SqliteDashboardRepository } from "../store/index.js";
import { exportDashboard } from "./exchange.js";
import { RepositoryDashboardService } from "./service-on-repository.js";

export interface DashboardCliIo {
  out(text: string): void;
  err(text: string): void;
}

const USAGE = `loupe dashboard list [--config FILE]
       loupe dashboard export UID [--out FILE] [--config FILE]
       loupe dashboard import FILE [--overwrite] [--config FILE]

export writes the dashboard JSON (to stdout without --out); import takes a Loupe export or a
Grafana dashboard JSON (Graphite targets), prints what could not be converted, and refuses to
replace an existing uid without --overwrite (history keeps the replaced version).`;

export const dashboardCommand = {
  summary: "list, export and import dashboards (Loupe or Grafana JSON)",
  usage: USAGE,
  async run(args: string[], io: DashboardCliIo): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        options: { config: { type: "string", short: "c" }, out: { type: "string", short: "o" }, overwrite: { type: "boolean" } },
        allowPositionals: true,
        strict: true,
      });
    } catch (err) {
      io.err(`loupe dashboard: ${errorMessage(err)}\nusage: ${USAGE}`);
      return 1;
    }
    const { values, positionals } = parsed;
    const [sub, arg] = positionals;
    if (sub === undefined || !["list", "export", "import"].includes(sub) || (sub !== "list" && arg === undefined)) {
      io.err(`usage: ${USAGE}`);
      return 1;
    }
    const config = loadConfigOrReport(values.config, io);
    if (config === undefined) return 1;
    try {
      return await withDatabase(config, (db) => {
        const dashboards = new RepositoryDashboardService(new SqliteDashboardRepository(db, { clock: systemClock, versionsToKeep: config.dashboards.versions_to_keep }));
        switch (sub) {
          case "list": {
            const rows = dashboards.list();
            if (rows.length === 0) {
              io.out("no dashboards");
              return 0;
            }
            const w = Math.max(3, ...rows.map((r) => r.uid.length));
            io.out(`${"UID".padEnd(w)}  VERSION  TITLE`);
            for (const r of rows) io.out(`${r.uid.padEnd(w)}  ${String(r.version).padStart(7)}  ${r.title}${r.tags.length > 0 ? `  [${r.tags.join(", ")}]` : ""}${r.provisioned ? "  (provisioned)" : ""}`);
            return 0;
          }
          case "export": {
            const d = dashboards.get(arg!);
            if (d === undefined) {
              io.err(`loupe dashboard: no dashboard "${arg}"`);
              return 1;
            }
            const text = `${JSON.stringify(exportDashboard(d.dashboard, systemClock.now()), null, 2)}\n`;
            if (values.out === undefined) io.out(text);
            else {
              writeFileSync(values.out, text);
              io.err(`wrote ${values.out}`);
            }
            return 0;
          }
          default: {
            let json: unknown;
            try {
              json = JSON.parse(readFileSync(arg!, "utf8"));
            } catch (err) {
              io.err(`loupe dashboard: cannot read ${arg}: ${errorMessage(err)}`);
              return 1;
            }
            const r = dashboards.import(json, "cli", values.overwrite === true ? { overwrite: true } : {});
            io.out(`imported ${r.source} dashboard "${r.title}" as ${r.uid} (version ${dashboards.get(r.uid)!.version})`);
            for (const s of r.skipped) io.err(`skipped ${s.panel}: ${s.reason}`);
            return 0;
          }
        }
      });
    } catch (err) {
      io.err(`loupe dashboard: ${errorMessage(err)}`);
      return 1;
    }
  },
};
