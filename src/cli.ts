/**
 * `loupe` command line: run | check-config | version | help | setup | user | dashboard | db | status.
 * The only place besides config/ that looks at argv, and the only one that prints with console.
 */
import { parseArgs } from "node:util";
import { formatEffectiveConfig } from "./config/index.js";
import { dbCommand, loadConfigOrReport, type CliIo } from "./cli-support.js";

export type { CliIo };
import { LoupeError, errorMessage } from "./lib/errors.js";
import { createLogger } from "./lib/logger.js";
import { VERSION } from "./lib/package-info.js";
import { startLoupe } from "./main.js";
import { userCommand } from "./auth/index.js";
import { setupCommand, checkCollectorsConfig } from "./collectors/index.js";
import { dashboardCommand } from "./dashboards/index.js";
import { checkAlertingConfig } from "./alerting/index.js";
import { importCommand } from "./import/index.js";
import { backupCommand, restoreCommand, readMigrations } from "./store/index.js";
import { statusCommand } from "./http/index.js";

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


const commands: Record<string, Command> = {
  run: {
    summary: "run Loupe in the foreground (collect, store, serve)",
    usage: "loupe run [--config FILE]\n\nLogs go to stderr. SIGTERM or SIGINT stops timers and listeners, flushes the store and exits 0.",
    async run(args, io) {
      const { values } = parseArgs({ args, options: configOption, strict: true });
      const config = loadConfigOrReport(values.config, io);
      if (config === undefined) return 1;
      const log = createLogger({ level: config.log.level, format: config.log.format });
      log.info("starting loupe", { version: VERSION, config: config.meta.file ?? "embedded defaults", pid: process.pid, data: config.paths.data, database: config.database.path, relative_paths_from: config.meta.baseDir ?? `working directory ${process.cwd()}` });
      let running;
      try {
        running = await startLoupe(config, log);
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
    },
  },
  "check-config": {
    summary: "validate the configuration and print it with secrets masked",
    usage: "loupe check-config [--config FILE]\n\nExits 0 when valid, 1 with every problem (file, line, section, key) when not.",
    async run(args, io) {
      const { values } = parseArgs({ args, options: configOption, strict: true });
      const config = loadConfigOrReport(values.config, io);
      if (config === undefined) return 1;
      let collectors: Awaited<ReturnType<typeof checkCollectorsConfig>>;
      let alerting: ReturnType<typeof checkAlertingConfig>;
      try {
        collectors = await checkCollectorsConfig(config);
        alerting = checkAlertingConfig(config);
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
      io.out(`loupe ${VERSION} (schema version ${Math.max(0, ...readMigrations().map((m) => m.version))}, node ${process.version})`);
      return 0;
    },
  },
};

function helpText(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `loupe ${VERSION}: single-node monitoring (collectors, time-series store, dashboard)\n\nUsage: loupe COMMAND [options]\n\nCommands:\n${lines.join("\n")}\n  ${"help".padEnd(width)}  show help for a command\n\nConfig lookup: --config, $LOUPE_CONFIG, ./loupe.ini, /etc/loupe/loupe.ini, else embedded defaults.\n`;
}

/** Registers an extra command (setup, user) from its own module. */
export function registerCommand(name: string, command: Command): void {
  commands[name] = command;
}

registerCommand("user", userCommand);

registerCommand("setup", setupCommand);

registerCommand("dashboard", dashboardCommand);

registerCommand("db", dbCommand);

registerCommand("import", importCommand);
registerCommand("backup", backupCommand);

registerCommand("restore", restoreCommand);
registerCommand("status", statusCommand);

export async function runCli(argv: readonly string[], io: CliIo = stdio): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h") {
    io.out(helpText());
    return name === undefined ? 1 : 0;
  }
  if (name === "help") {
    const topic = rest[0];
    if (topic === undefined) {
      io.out(helpText());
      return 0;
    }
    const c = commands[topic];
    if (c === undefined) {
      io.err(`loupe: unknown command "${topic}"`);
      return 1;
    }
    io.out(`${c.summary}\n\nUsage: ${c.usage}`);
    return 0;
  }
  if (name === "--version" || name === "-v") return commands["version"]!.run([], io);
  const command = commands[name];
  if (command === undefined) {
    io.err(`loupe: unknown command "${name}"\n\n${helpText()}`);
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
