/**
 * `loupe user add|passwd|list|role|disable|enable`: manage users from the shell, e.g. local logins
 * for hosts without GitHub access, or getting back in when no Admin is left.
 * Registered in src/cli.ts with registerCommand("user", userCommand).
 */
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { loadConfigOrReport, withDatabase } from "../cli-support.js";
import type { Role } from "./principal.js";
import { systemClock } from "../lib/clock.js";
import { errorMessage } from "../lib/errors.js";
import { openAuthStores } from "../store/index.js";
import { SessionService } from "./sessions.js";
import { UserService } from "./users.js";

export interface UserCliIo {
  out(text: string): void;
  err(text: string): void;
  /** Reads a password without echo (tests inject one). */
  readSecret?(prompt: string): Promise<string>;
}

const USAGE = `loupe user add LOGIN [--role Viewer|Editor|Admin] [--github] [--config FILE]
       loupe user passwd LOGIN [--config FILE]
       loupe user list [--config FILE]
       loupe user role LOGIN Viewer|Editor|Admin [--config FILE]
       loupe user disable|enable LOGIN [--config FILE]

add creates a local user (password asked twice; read from stdin when it is not a terminal) or, with
--github, lets the GitHub user LOGIN in even when [auth.github] allow_sign_up = false.
The first user ever, and logins in [auth] admins, are Admin.`;

/** Reads a secret without echo from a terminal, or the first line of stdin when it is not one. */
export async function readSecretDefault(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const rl = createInterface({ input: stdin });
    for await (const line of rl) {
      rl.close();
      return line;
    }
    return "";
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  return await new Promise<string>((resolve) => {
    let s = "";
    const onData = (b: Buffer): void => {
      for (const ch of b.toString("utf8")) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off("data", onData);
          process.stderr.write("\n");
          return resolve(s);
        }
        if (ch === "\u0003") process.exit(130);
        if (ch === "\u007f") s = s.slice(0, -1);
        else s += ch;
      }
    };
    stdin.on("data", onData);
  });
}

const ROLES: readonly Role[] = ["Viewer", "Editor", "Admin"];
const asRole = (s: string | undefined): Role | undefined => ROLES.find((r) => r.toLowerCase() === (s ?? "").toLowerCase());

function fmtTime(ms: number | null): string {
  return ms === null ? "never" : new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
}

function listUsers(users: UserService, io: UserCliIo): number {
  const rows = users.list();
  if (rows.length === 0) {
    io.out("no users");
    return 0;
  }
  const w = Math.max(5, ...rows.map((r) => r.login.length));
  io.out(`${"LOGIN".padEnd(w)}  PROVIDER  ROLE    STATE     LAST SEEN`);
  for (const r of rows) io.out(`${r.login.padEnd(w)}  ${r.provider.padEnd(8)}  ${r.role.padEnd(6)}  ${(r.disabled ? "disabled" : "active").padEnd(8)}  ${fmtTime(r.lastSeenAt)}`);
  return 0;
}

interface AddOptions {
  readonly github: boolean;
  readonly role: Role | undefined;
  /** [auth.basic] enabled: a local user added while it is off gets a note. */
  readonly basicEnabled: boolean;
  askTwice(): Promise<string | undefined>;
}

async function addUser(users: UserService, login: string, o: AddOptions, io: UserCliIo): Promise<number> {
  let password: string | undefined;
  if (!o.github) {
    password = await o.askTwice();
    if (password === undefined) return 1;
  }
  const u = await users.add(login, { provider: o.github ? "github" : "local", ...(password !== undefined ? { password } : {}), ...(o.role !== undefined ? { role: o.role } : {}) });
  io.out(`added ${u.provider} user ${u.login} (${u.role})`);
  if (u.provider === "local" && !o.basicEnabled) io.err("note: [auth.basic] enabled = false, so local users cannot log in yet");
  return 0;
}

export const userCommand = {
  summary: "manage users: add, passwd, list, role, disable, enable",
  usage: USAGE,
  async run(args: string[], io: UserCliIo): Promise<number> {
    const { values, positionals } = parseArgs({
      args,
      options: { config: { type: "string", short: "c" }, role: { type: "string" }, github: { type: "boolean" } },
      allowPositionals: true,
      strict: true,
    });
    const [sub, login, extra] = positionals;
    if (sub === undefined || !["add", "passwd", "list", "role", "disable", "enable"].includes(sub) || (sub !== "list" && login === undefined)) {
      io.err(`usage: ${USAGE}`);
      return 1;
    }
    const config = loadConfigOrReport(values.config, io);
    if (config === undefined) return 1;
    return withDatabase(config, async (db) => {
      const stores = openAuthStores(db);
      const sessions = new SessionService(stores, { idleMs: config.auth.session_idle, maxMs: config.auth.session_max }, systemClock);
      const users = new UserService(stores, sessions, { admins: config.auth.admins, allowSignUp: true, defaultRole: config["auth.github"].default_role }, systemClock);
      const readSecret = io.readSecret ?? readSecretDefault;
      const askTwice = async (): Promise<string | undefined> => {
        const p1 = await readSecret("password: ");
        const p2 = process.stdin.isTTY && io.readSecret === undefined ? await readSecret("again: ") : p1;
        if (p1 !== p2) {
          io.err("loupe user: the passwords differ");
          return undefined;
        }
        return p1;
      };
      switch (sub) {
        case "list":
          return listUsers(users, io);
        case "add": {
          const role = values.role === undefined ? undefined : asRole(values.role);
          if (values.role !== undefined && role === undefined) {
            io.err(`loupe user: --role must be one of ${ROLES.join(", ")}`);
            return 1;
          }
          return addUser(users, login!, { github: values.github === true, role, basicEnabled: config["auth.basic"].enabled, askTwice }, io);
        }
        case "passwd": {
          const password = await askTwice();
          if (password === undefined) return 1;
          await users.setPassword(login!, password);
          io.out(`password of ${login} changed; its sessions ended`);
          return 0;
        }
        case "role": {
          const role = asRole(extra);
          if (role === undefined) {
            io.err(`loupe user: role must be one of ${ROLES.join(", ")}`);
            return 1;
          }
          const u = stores.users.byLogin(login!);
          if (u === undefined) throw new Error(`no user ${login}`);
          users.update(u.id, { role });
          io.out(`${u.login} is now ${role}`);
          return 0;
        }
        default: {
          const u = stores.users.byLogin(login!);
          if (u === undefined) throw new Error(`no user ${login}`);
          users.update(u.id, { disabled: sub === "disable" });
          io.out(`${u.login} ${sub === "disable" ? "disabled; its sessions ended" : "enabled"}`);
          return 0;
        }
      }
    });
  },
};
