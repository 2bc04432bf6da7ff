/**
 * Messages between a plugin's worker thread (plugin-worker.ts) and its host (plugin-host.ts). What
 * the worker sends is checked with zod: the plugin runs in that thread and could post anything.
 */
import { z } from "zod";
import type { LogLevel } from "../lib/logger.js";

/** What the worker starts with. */
export interface PluginWorkerData {
  readonly file: string;
  /** Log levels the host's logger writes (for ctx.log.isLevelEnabled). */
  readonly levels: readonly LogLevel[];
}

/** One recorded ctx call: a gauge, or a counter (with its wrap value). */
export type PluginCall = ["g", string, number] | ["c", string, number] | ["c", string, number, number];

export type PluginHostMessage =
  | { readonly t: "collect"; readonly id: number; readonly now: number; readonly options: Readonly<Record<string, string | number | boolean>> }
  | { readonly t: "proc-result"; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly t: "proc-result"; readonly id: number; readonly ok: false; readonly message: string };

const call = z.union([z.tuple([z.literal("g"), z.string(), z.number()]), z.tuple([z.literal("c"), z.string(), z.number()]), z.tuple([z.literal("c"), z.string(), z.number(), z.number()])]);

export const PROC_METHODS = ["readProc", "listProc", "readSys", "statfs", "diskLabels"] as const;

export const workerMessage = z.discriminatedUnion("t", [
  z.object({ t: z.literal("loaded"), meta: z.record(z.string(), z.unknown()) }),
  z.object({ t: z.literal("load-error"), message: z.string() }),
  z.object({ t: z.literal("done"), id: z.number(), calls: z.array(call) }),
  z.object({ t: z.literal("failed"), id: z.number(), message: z.string() }),
  z.object({ t: z.literal("log"), level: z.enum(["error", "warn", "info", "debug"]), msg: z.string(), fields: z.record(z.string(), z.unknown()) }),
  z.object({ t: z.literal("proc"), id: z.number(), method: z.enum(PROC_METHODS), arg: z.string().optional() }),
]);

export type WorkerMessage = z.infer<typeof workerMessage>;
