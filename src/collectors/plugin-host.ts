/**
 * Runs a collector plugin in its own worker thread, so a runaway (a busy loop, a leak) can be
 * stopped: the worker is terminated when a run outlives its timeout (the scheduler aborts
 * ctx.signal) or its heap passes [collectors] plugin_max_memory, and started again at the next run.
 * The main thread's event loop, and so every other collector, ingest and HTTP, never waits for it.
 */
import { Worker } from "node:worker_threads";
import { errorMessage } from "../lib/errors.js";
import type { Logger, LogLevel } from "../lib/logger.js";
import { PROC_METHODS, workerMessage, type PluginHostMessage, type PluginWorkerData, type WorkerMessage } from "./plugin-protocol.js";
import type { ProcFs } from "./procfs.js";
import type { CollectContext } from "./types.js";

export interface PluginLimits {
  /** How long importing a plugin may take ([collectors] plugin_load_timeout). */
  readonly loadTimeoutMs: number;
  /** Heap limit of each plugin worker in bytes ([collectors] plugin_max_memory). */
  readonly maxMemoryBytes: number;
}

export const DEFAULT_PLUGIN_LIMITS: PluginLimits = { loadTimeoutMs: 10_000, maxMemoryBytes: 256 * 1024 * 1024 };

const FROM_SOURCE = import.meta.url.endsWith(".ts");
const LEVELS: readonly LogLevel[] = ["error", "warn", "info", "debug"];

/** A worker for `file`; from source (tests, `tsx`) the worker registers tsx first. */
function spawnWorker(file: string, limits: PluginLimits, log: Logger | undefined): Worker {
  const data: PluginWorkerData = { file, levels: log === undefined ? [] : LEVELS.filter((l) => log.isLevelEnabled(l)) };
  const options = { workerData: data, resourceLimits: { maxOldGenerationSizeMb: Math.max(16, Math.round(limits.maxMemoryBytes / 2 ** 20)) } };
  const entry = new URL(`./plugin-worker.${FROM_SOURCE ? "ts" : "js"}`, import.meta.url);
  if (!FROM_SOURCE) return new Worker(entry, options);
  const tsx = import.meta.resolve("tsx/esm/api");
  const boot = `(async () => { const { register } = await import(${JSON.stringify(tsx)}); register(); await import(${JSON.stringify(entry.href)}); })()`;
  return new Worker(boot, { ...options, eval: true });
}

/** Why a worker ended, for messages. */
function exitReason(err: unknown, code: number | undefined): string {
  if (err !== undefined) {
    const e = err as { code?: unknown };
    if (e.code === "ERR_WORKER_OUT_OF_MEMORY") return "the plugin ran out of memory ([collectors] plugin_max_memory)";
    return `the plugin's worker failed: ${errorMessage(err)}`;
  }
  return `the plugin's worker exited (code ${code ?? "?"})`;
}

/**
 * Imports `file` in a throw-away worker and returns what its export describes (validated by the
 * caller), or throws with the reason (import error, no export, took longer than the load timeout).
 */
export async function describePlugin(file: string, limits: PluginLimits): Promise<Record<string, unknown>> {
  const w = spawnWorker(file, limits, undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<Record<string, unknown>>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`did not load within ${limits.loadTimeoutMs} ms ([collectors] plugin_load_timeout)`)), limits.loadTimeoutMs);
      w.on("message", (raw: unknown) => {
        const m = workerMessage.safeParse(raw);
        if (!m.success) return;
        if (m.data.t === "loaded") resolve(m.data.meta);
        else if (m.data.t === "load-error") reject(new Error(m.data.message));
      });
      w.once("error", (err) => reject(new Error(exitReason(err, undefined))));
      w.once("exit", (code) => reject(new Error(exitReason(undefined, code))));
    });
  } finally {
    clearTimeout(timer);
    await w.terminate();
  }
}

interface PendingRun {
  readonly id: number;
  resolve(calls: Extract<WorkerMessage, { t: "done" }>["calls"]): void;
  reject(err: Error): void;
}

/** One plugin's worker, kept between runs (module state survives), replaced after a kill. */
export class PluginHost {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private run: PendingRun | undefined;
  private seq = 0;

  constructor(
    private readonly file: string,
    private readonly limits: PluginLimits,
    private readonly env: { readonly log: Logger; readonly procfs: ProcFs },
  ) {}

  /** Runs collect() in the worker and replays its gauges and counters onto `ctx`. */
  async collect(ctx: CollectContext, options: Readonly<Record<string, string | number | boolean>>): Promise<void> {
    ctx.signal.throwIfAborted();
    const onAbort = (): void => this.kill(ctx.signal.reason);
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    try {
      await this.start();
      const id = ++this.seq;
      const calls = await new Promise<Extract<WorkerMessage, { t: "done" }>["calls"]>((resolve, reject) => {
        this.run = { id, resolve, reject };
        this.send({ t: "collect", id, now: ctx.now, options });
      });
      for (const c of calls) {
        if (c[0] === "g") ctx.gauge(c[1], c[2]);
        else ctx.counter(c[1], c[2], c[3]);
      }
    } finally {
      ctx.signal.removeEventListener("abort", onAbort);
      this.run = undefined;
    }
  }

  /** Starts the worker ahead of the first run (a failure shows at that run). */
  prestart(): void {
    this.start().catch(() => undefined);
  }

  /** Terminates the worker (the next run starts a new one). */
  async close(): Promise<void> {
    const w = this.worker;
    this.kill(new Error("plugin stopped"));
    if (w !== undefined) await w.terminate();
  }

  private start(): Promise<void> {
    if (this.ready !== undefined) return this.ready;
    const w = spawnWorker(this.file, this.limits, this.env.log);
    this.worker = w;
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`did not load within ${this.limits.loadTimeoutMs} ms ([collectors] plugin_load_timeout)`)), this.limits.loadTimeoutMs);
      w.on("message", (raw: unknown) => {
        const m = workerMessage.safeParse(raw);
        if (!m.success) {
          // only a plugin posting on its own port gets here: the run in progress cannot be trusted
          this.run?.reject(new Error("the plugin posted a message Loupe does not understand (do not use parentPort in a plugin)"));
          return;
        }
        if (m.data.t === "loaded" || m.data.t === "load-error") {
          clearTimeout(timer);
          if (m.data.t === "loaded") resolve();
          else reject(new Error(`the plugin failed to load: ${m.data.message}`));
          return;
        }
        this.onMessage(m.data);
      });
      const fail = (reason: string): void => {
        clearTimeout(timer);
        reject(new Error(reason));
        // a worker already replaced was killed on purpose: its run was failed then
        if (this.worker !== w) return;
        this.forget();
        this.run?.reject(new Error(reason));
      };
      w.once("error", (err) => fail(exitReason(err, undefined)));
      w.once("exit", (code) => fail(exitReason(undefined, code)));
      w.unref(); // after the listeners (adding one refs the port again): an idle plugin never keeps Loupe from exiting
    });
    this.ready.catch(() => {
      if (this.worker === w) this.kill(undefined);
    });
    return this.ready;
  }

  private onMessage(m: WorkerMessage): void {
    switch (m.t) {
      case "done":
        if (this.run?.id === m.id) this.run.resolve(m.calls);
        break;
      case "failed":
        if (this.run?.id === m.id) this.run.reject(new Error(m.message));
        break;
      case "log":
        this.env.log[m.level](m.msg, m.fields);
        break;
      case "proc":
        void this.proc(m.id, m.method, m.arg ?? "");
        break;
    }
  }

  private async proc(id: number, method: (typeof PROC_METHODS)[number], arg: string): Promise<void> {
    try {
      const fs = this.env.procfs;
      const value = method === "diskLabels" ? [...(await fs.diskLabels())] : await fs[method](arg);
      this.send({ t: "proc-result", id, ok: true, value });
    } catch (err) {
      this.send({ t: "proc-result", id, ok: false, message: errorMessage(err) });
    }
  }

  private send(m: PluginHostMessage): void {
    this.worker?.postMessage(m);
  }

  private forget(): void {
    this.worker = undefined;
    this.ready = undefined;
  }

  /** Terminates the worker now; a run in progress fails with `reason`. */
  private kill(reason: unknown): void {
    const w = this.worker;
    this.forget();
    if (w !== undefined) void w.terminate();
    if (reason !== undefined) this.run?.reject(reason instanceof Error ? reason : new Error(String(reason)));
  }
}
