import cron from "node-cron";
import { z } from "zod";
import { opt, type Option } from "../options.js";

const CRON_EXPECTED = 'a cron expression such as "0 3 * * *" (minute hour day month weekday; an optional leading seconds field), or "" for off';

/** A node-cron expression, or "" (off). */
function cronOption(def: string, help: string): Option<string> {
  const schema = z.string().transform((s, ctx) => {
    const t = s.trim();
    if (t === "" || cron.validate(t)) return t;
    ctx.addIssue({ code: "custom", message: `expected ${CRON_EXPECTED}` });
    return z.NEVER;
  });
  return { kind: "cron", expected: CRON_EXPECTED, schema, default: def, help, secret: false };
}

/** `[backup]`: automatic local backups taken by the running server (`loupe backup` is the same, by hand). */
export const backupSection = {
  schedule: cronOption("", 'when to take a backup, as a cron expression in local time ("0 3 * * *" = every day at 03:00); empty = no automatic backups'),
  keep: opt.int(7, "how many of the newest automatic backups to keep in dir; older ones (and their .sha256 files) are deleted after each successful backup", { min: 1, max: 10_000 }),
  dir: opt.string("", "folder for automatic backups; empty means <paths.data>/backups. Copy them off the machine too: a backup on the data disk does not survive that disk"),
} as const;
