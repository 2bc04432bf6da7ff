import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { PROJECT_ROOT } from "../../src/lib/package-info.js";

/** tsx's loader by absolute URL, so the child may run in any working folder. */
export const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

export interface LoupeProcess {
  readonly child: ChildProcess;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the HTTP port once Loupe logs "http listening". */
  readonly ready: Promise<number>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `loupe <args>` from source (node --import tsx src/entry.ts) with the given environment. */
export function spawnLoupe(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): LoupeProcess {
  const child = spawn(process.execPath, ["--import", TSX_LOADER, join(PROJECT_ROOT, "src", "entry.ts"), ...args], {
    cwd: options.cwd ?? PROJECT_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  let out = "";
  child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<number>((resolve, reject) => {
    child.stderr!.on("data", (b: Buffer) => {
      err += b.toString();
      const m = /http listening .*port=(\d+)/.exec(err);
      if (m) resolve(Number(m[1]));
    });
    void exited.then(({ code }) => reject(new Error(`loupe exited (${code}) before listening:\n${err}\n${out}`)));
  });
  ready.catch(() => undefined);
  return { child, stderr: () => err, ready, exited };
}
