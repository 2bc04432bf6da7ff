/**
 * `loupe` command line: run | agent | check-config | version | help | setup | user | dashboard | db | import | backup | restore | status.
 * The only place besides config/ that looks at argv, and the only one that prints with console.
 *
 * Modules are imported when a command needs them (dynamic import), so that `loupe agent` never
 * loads express, better-sqlite3 or passport: its footprint is the agent's budget (≤ 60 MiB).
 */
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { formatEffectiveConfig, loadConfig, type Config } from "./config/index.js";
import type { CliIo } from "./cli-support.js";

export type { CliIo };
import { LoupeError, errorMessage } from "./lib/errors.js";
import { createLogger } from "./lib/logger.js";
import { VERSION } from "./lib/package-info.js";

const stdio: CliIo = {
  out: (t) => process.stdout.write(t.endsWith("\n") ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith("\n") ? t : `${t}\n`),
};

interface Command {
  readonly summary: string;
  readonly usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

const configOption = { config: { type: "string", short: "c" } } as const;

/** The configuration, or undefined after printing why it is invalid (as cli-support's, without loading the store). */
function loadConfigOrReport(configPath: string | undefined, io: Pick<CliIo, "err">): Config | undefined {
  try {
    return loadConfig({ configPath });
  } catch (err) {
    io.err(`loupe: invalid configuration\n${errorMessage(err)}`);
    return undefined;
  }
}

/** A command whose module is imported only when it runs (or for help). */
type LazyCommand = () => Promise<Command>;


const commands: Record<string, Command | LazyCommand> = {
  run: {
    summary: "run Loupe in the foreground (collect, store, serve); [server] mode = agent runs the agent",
    usage: "loupe run [--config FILE]\n\nLogs go to stderr. SIGTERM or SIGINT stops timers and listeners, flushes the store and exits 0.",
    async run(args, io) {
      return await runForeground(args, io, false);
    },
  },
  agent: {
    summary: "run as an agent: collectors and [forward.*] only (no database, no dashboards, no HTTP)",
    usage:
      "loupe agent [--config FILE]\n\nThe same as `loupe run` with [server] mode = agent. Needs at least one enabled [forward.<name>] section;\n" +
      "serves GET /metrics only when [server] agent_metrics_addr is set. SIGTERM sends what it can for a few seconds; the queues keep the rest.",
    async run(args, io) {
      return await runForeground(args, io, true);
    },
  },
  "check-config": {
    summary: "validate the configuration and print it with secrets masked",
    usage: "loupe check-config [--config FILE]\n\nExits 0 when valid, 1 with every problem (file, line, section, key) when not.",
    async run(args, io) {
      const { values } = parseArgs({ args, options: configOption, strict: true });
      const config = loadConfigOrReport(values.config, io);
      if (config === undefined) return 1;
      const [{ checkCollectorsConfig }, { checkAlertingConfig }, { readForwarders }, { checkAuthConfig }] = await Promise.all([import("./collectors/index.js"), import("./alerting/index.js"), import("./forward/index.js"), import("./auth/index.js")]);
      let collectors: Awaited<ReturnType<typeof checkCollectorsConfig>>;
      let alerting: ReturnType<typeof checkAlertingConfig>;
      try {
        collectors = await checkCollectorsConfig(config);
        alerting = checkAlertingConfig(config);
        readForwarders(config); // [forward.<name>] sections: errors name the section and key
        checkAuthConfig(config); // [auth.*] cross-key checks: errors name the file, section and key
      } catch (err) {
        io.err(`loupe: invalid configuration\n${errorMessage(err)}`);
        return 1;
      }
      for (const w of collectors.warnings) io.err(`warning: ${w}`);
      io.out(formatEffectiveConfig(config) + collectors.text + alerting.text + `\n; ${alerting.summary}\n`);
      return 0;
    },
  },
  version: {
    summary: "print Loupe's version, its database schema version and the Node.js version",
    usage: "loupe version\n\nThe schema version is the newest migration this Loupe applies; a database written with a higher one is refused.",
    async run(_args, io) {
      const { readMigrations } = await import("./store/index.js");
      io.out(`loupe ${VERSION} (schema version ${Math.max(0, ...readMigrations().map((m) => m.version))}, node ${process.version})`);
      return 0;
    },
  },
};

/**
 * `loupe run` / `loupe agent`: starts, then stops on SIGTERM/SIGINT. main.ts (express, SQLite) and
 * main-agent.ts are imported only here, so an agent never loads the server's modules.
 */
async function runForeground(args: string[], io: CliIo, agent: boolean): Promise<number> {
  const { values } = parseArgs({ args, options: configOption, strict: true });
  const config = loadConfigOrReport(values.config, io);
  if (config === undefined) return 1;
  const log = createLogger({ level: config.log.level, format: config.log.format });
  const asAgent = agent || config.server.mode === "agent";
  // an agent allocates little but steadily (a collection every interval): a 1 MiB young generation
  // instead of V8's default of up to 16 MiB keeps its peak RSS ~20 MiB lower (BENCHMARKS.md, agent mode)
  if (asAgent) setFlagsFromString("--max-semi-space-size=1");
  log.info(asAgent ? "starting loupe agent" : "starting loupe", { version: VERSION, config: config.meta.file ?? "embedded defaults", pid: process.pid, data: config.paths.data, ...(asAgent ? {} : { database: config.database.path }), relative_paths_from: config.meta.baseDir ?? `working directory ${process.cwd()}` });
  let running: { stop(): Promise<void> };
  try {
    running = asAgent ? await (await import("./main-agent.js")).startAgent(config, log) : await (await import("./main.js")).startLoupe(config, log);
  } catch (err) {
    log.error("cannot start", { code: err instanceof LoupeError ? err.code : undefined, err: errorMessage(err) });
    return 1;
  }
  return await new Promise<number>((resolve) => {
    let signalled = false;
    const onSignal = (sig: NodeJS.Signals): void => {
      if (signalled) {
        log.warn("second signal, exiting now", { signal: sig });
        process.exit(1);
      }
      signalled = true;
      log.info("stopping", { signal: sig });
      running.stop().then(
        () => {
          log.info("stopped");
          resolve(0);
        },
        (err: unknown) => {
          log.error("stop failed", { err: errorMessage(err) });
          resolve(1);
        },
      );
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
}

async function commandOf(name: string): Promise<Command | undefined> {
  const c = Object.hasOwn(commands, name) ? commands[name] : undefined;
  return typeof c === "function" ? await c() : c;
}

async function helpText(): Promise<string> {
  const all = await Promise.all(Object.keys(commands).map(async (name) => [name, (await commandOf(name))!] as const));
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  const lines = all.map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `loupe ${VERSION}: single-node monitoring (collectors, time-series store, dashboard)\n\nUsage: loupe COMMAND [options]\n\nCommands:\n${lines.join("\n")}\n  ${"help".padEnd(width)}  show help for a command\n\nConfig lookup: --config, $LOUPE_CONFIG, ./loupe.ini, /etc/loupe/loupe.ini, else embedded defaults.\n`;
}

/** Registers an extra command (setup, user) from its own module, given as the command or a loader of it. */
export function registerCommand(name: string, command: Command | LazyCommand): void {
  commands[name] = command;
}

registerCommand("user", async () => (await import("./auth/index.js")).userCommand);

registerCommand("setup", async () => (await import("./collectors/index.js")).setupCommand);

registerCommand("dashboard", async () => (await import("./dashboards/index.js")).dashboardCommand);

registerCommand("db", async () => (await import("./cli-support.js")).dbCommand);

registerCommand("import", async () => (await import("./import/index.js")).importCommand);

registerCommand("backup", async () => (await import("./store/index.js")).backupCommand);

registerCommand("restore", async () => (await import("./store/index.js")).restoreCommand);

registerCommand("status", async () => (await import("./http/index.js")).statusCommand);

registerCommand("export", async () => (await import("./store/index.js")).exportCommand);

export async function runCli(argv: readonly string[], io: CliIo = stdio): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h") {
    io.out(await helpText());
    return name === undefined ? 1 : 0;
  }
  if (name === "help") {
    const topic = rest[0];
    if (topic === undefined) {
      io.out(await helpText());
      return 0;
    }
    const c = await commandOf(topic);
    if (c === undefined) {
      io.err(`loupe: unknown command "${topic}"`);
      return 1;
    }
    io.out(`${c.summary}\n\nUsage: ${c.usage}`);
    return 0;
  }
  if (name === "--version" || name === "-v") return (await commandOf("version"))!.run([], io);
  const command = await commandOf(name);
  if (command === undefined) {
    io.err(`loupe: unknown command "${name}"\n\n${await helpText()}`);
    return 1;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(`${command.summary}\n\nUsage: ${command.usage}`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    io.err(`loupe ${name}: ${errorMessage(err)}`);
    return 1;
  }
}
