/**
 * The worker thread one collector plugin runs in (started by plugin-host.ts). It imports the plugin,
 * reports its description, then runs collect() on request with a context whose calls are recorded
 * and sent back in one message; logs and /proc reads go to the main thread as messages. A plugin
 * that never yields (a busy loop) blocks only this thread, which the host terminates at the timeout.
 *
 * Messages (all plain objects, validated on the main side):
 *   worker → main: loaded {meta} | load-error {message} | done {id, calls} | failed {id, message}
 *                  | log {level, msg, fields} | proc {id, method, arg}
 *   main → worker: collect {id, now, options} | proc-result {id, ok, value|message}
 * There is no "abort": at the timeout the host terminates the thread (a busy loop could not hear it).
 */
import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";
import type { LogFields, Logger, LogLevel } from "../lib/logger.js";
import { Publisher } from "./publisher.js";
import type { PluginCall, PluginHostMessage, PluginWorkerData } from "./plugin-protocol.js";

const port = parentPort!;
const data = workerData as PluginWorkerData;
type Plugin = { collect: (ctx: unknown) => unknown };
let plugin: Plugin | undefined;
const changes = new Publisher({ base: "" });
const pendingProc = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let procSeq = 0;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function post(m: unknown): void {
  port.postMessage(m);
}

function makeLog(base: LogFields): Logger {
  const write = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    const all = { ...base, ...fields };
    try {
      post({ t: "log", level, msg: String(msg), fields: all });
    } catch {
      post({ t: "log", level, msg: String(msg), fields: { fields: "not serialisable" } });
    }
  };
  return {
    error: write("error"),
    warn: write("warn"),
    info: write("info"),
    debug: write("debug"),
    isLevelEnabled: (level) => data.levels.includes(level),
    child: (fields) => makeLog({ ...base, ...fields }),
  };
}

function askMain(method: string, arg: string | undefined): Promise<unknown> {
  const id = ++procSeq;
  return new Promise((resolve, reject) => {
    pendingProc.set(id, { resolve, reject });
    post({ t: "proc", id, method, arg });
  });
}

const procfs = {
  readProc: (path: string) => askMain("readProc", String(path)) as Promise<string>,
  listProc: (path: string) => askMain("listProc", String(path)) as Promise<string[]>,
  readSys: (path: string) => askMain("readSys", String(path)) as Promise<string>,
  statfs: (mountPoint: string) => askMain("statfs", String(mountPoint)),
  diskLabels: async () => new Map((await askMain("diskLabels", undefined)) as [string, string][]),
};

async function load(): Promise<void> {
  try {
    const mod = (await import(pathToFileURL(data.file).href)) as Record<string, unknown>;
    const e = (mod["default"] ?? mod["collector"]) as Record<string, unknown> | undefined;
    if (e === undefined || e === null || typeof e !== "object") {
      post({ t: "load-error", message: "exports no collector (export default { name, collect } or export const collector)" });
      return;
    }
    const meta = { name: e["name"], help: e["help"], enabledByDefault: e["enabledByDefault"], path: e["path"], options: e["options"], collect: typeof e["collect"] };
    try {
      post({ t: "loaded", meta });
    } catch (err) {
      post({ t: "load-error", message: `its description is not plain data (${message(err)})` });
      return;
    }
    if (typeof e["collect"] === "function") plugin = e as unknown as Plugin;
  } catch (err) {
    post({ t: "load-error", message: message(err) });
  }
}

async function collect(id: number, now: number, options: Readonly<Record<string, string | number | boolean>>): Promise<void> {
  const ac = new AbortController();
  const calls: PluginCall[] = [];
  const run = changes.begin(now, ac.signal);
  const ctx = {
    now,
    signal: ac.signal,
    options: Object.freeze({ ...options }),
    log: makeLog({}),
    procfs,
    gauge: (name: string, value: number) => {
      if (Number.isFinite(value)) calls.push(["g", String(name), value]);
    },
    counter: (name: string, value: number, max?: number) => {
      if (Number.isFinite(value)) calls.push(typeof max === "number" && Number.isFinite(max) ? ["c", String(name), value, max] : ["c", String(name), value]);
    },
    change: run.ctx.change,
  };
  try {
    if (plugin === undefined) throw new Error("the plugin did not load");
    await plugin.collect(ctx);
    run.commit();
    post({ t: "done", id, calls });
  } catch (err) {
    post({ t: "failed", id, message: message(err) });
  }
}

port.on("message", (m: PluginHostMessage) => {
  switch (m.t) {
    case "collect":
      void collect(m.id, m.now, m.options);
      break;
    case "proc-result": {
      const p = pendingProc.get(m.id);
      pendingProc.delete(m.id);
      if (m.ok) p?.resolve(m.value);
      else p?.reject(new Error(m.message));
      break;
    }
  }
});

void load();
