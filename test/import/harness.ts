/** What the import tests share: a Loupe config in a temp dir, `loupe import …` in-process, /render. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../../src/cli.js";
import { loadConfig } from "../../src/config/index.js";
import { silentLogger } from "../../src/lib/logger.js";
import { startLoupe, type Running } from "../../src/main.js";
import { tempDir } from "../helpers/tmp.js";

export interface Env {
  readonly dir: string;
  readonly configFile: string;
  readonly text: string;
}

export function loupeEnv(prefix: string, extra = ""): Env {
  const dir = tempDir(prefix);
  const text = [
    "[server]\nhttp_addr = 127.0.0.1\nhttp_port = 0",
    `[paths]\ndata = ${dir}\nplugins = ${join(dir, "plugins")}`,
    "[ingest.graphite]\ntcp_addr =\nudp_addr =",
    "[log]\nlevel = error",
    ...["cpu", "memory", "loadavg", "diskspace", "iostat", "network", "vmstat", "uptime"].map((c) => `[collector.${c}]\nenabled = false`),
    extra,
  ].join("\n");
  const configFile = join(dir, "loupe.ini");
  writeFileSync(configFile, text);
  return { dir, configFile, text };
}

/** Runs `loupe <args>` in this process; returns the exit code and what it printed. */
export async function loupe(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(args, { out: (t) => (out += t.endsWith("\n") ? t : `${t}\n`), err: (t) => (err += t.endsWith("\n") ? t : `${t}\n`) });
  return { code, out, err };
}

export async function startOn(env: Env): Promise<Running> {
  return startLoupe(loadConfig({ text: env.text, env: {} }), silentLogger);
}

/** /render as json: datapoints of the first series as a map unix seconds → value (nulls left out). */
export async function render(port: number, target: string, from: number, until: number): Promise<Map<number, number>> {
  const res = await fetch(`http://127.0.0.1:${port}/render?target=${encodeURIComponent(target)}&from=${from}&until=${until}&format=json`);
  if (!res.ok) throw new Error(`render ${target}: HTTP ${res.status} ${await res.text()}`);
  const json = (await res.json()) as Array<{ target: string; datapoints: Array<[number | null, number]> }>;
  const out = new Map<number, number>();
  for (const [v, t] of json[0]?.datapoints ?? []) if (v !== null) out.set(t, v);
  return out;
}

/** Counts line of an import ("points added N, already stored M, …") → numbers. */
export function countsOf(out: string): { added: number; alreadyStored: number; series: number } {
  const m = /series (\d+), points added (\d+), already stored (\d+)/.exec(out);
  if (m === null) throw new Error(`no counts in: ${out}`);
  return { series: Number(m[1]), added: Number(m[2]), alreadyStored: Number(m[3]) };
}
