/**
 * `loupe` command line: run | check-config | version | help | setup | user | dashboard | db.
 * The only place besides config/ that looks at argv, and the only one that prints with console.
 */
import { parseArgs } from "node:util";
import { formatEffectiveConfig } from "./config/index.js";
import { dbCommand, loadConfigOrReport, type CliIo } from "./cli-support.js";

export type { CliIo };
import { LoupeError, errorMessage } from "./lib/errors.js";
import { createLogger } from "./lib/logger.js";
import { VERSION } from "./lib/package-info.js";
import { userCommand } from "./auth/index.js";
import { setupCommand, checkCollectorsConfig } from "./collectors/index.js";
import { dashboardCommand } from "./dashboards/index.js";
import { checkAlertingConfig } from "./alerting/index.js";
import { readForwarders } from "./forward/index.js";

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
      let collectors: Awaited<ReturnType<typeof checkCollectorsConfig>>;
      let alerting: ReturnType<typeof checkAlertingConfig>;
      try {
        collectors = await checkCollectorsConfig(config);
        alerting = checkAlertingConfig(config);
        readForwarders(config); // [forward.<name>] sections: errors name the section and key
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
    summary: "print Loupe's version",
    usage: "loupe version",
    async run(_args, io) {
      io.out(`loupe ${VERSION} (node ${process.version})`);
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
  log.info(asAgent ? "starting loupe agent" : "starting loupe", { version: VERSION, config: config.meta.file ?? "embedded defaults", pid: process.pid });
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
