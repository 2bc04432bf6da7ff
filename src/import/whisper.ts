/**
 * `loupe import whisper DIR [--prefix P]`: every `*.wsp` under DIR becomes the series named by its
 * path under DIR (`/` → `.`, without `.wsp`), all archives merged finest first (whisper-format.ts).
 * A file is the unit of resume.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { errorMessage } from "../lib/errors.js";
import { limitReached, putSeries, type ImportRun } from "./run.js";
import { mergeArchives, parseWhisperHeader } from "./whisper-format.js";

/** Every whisper file under dir, sorted (relative paths). */
export function listWhisperFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const ent of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.isFile() && ent.name.endsWith(".wsp")) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

/** `servers/web1/cpu/total/user.wsp` → `servers.web1.cpu.total.user` (with the prefix). */
export function whisperSeriesName(rel: string, prefix: string): string {
  const path = rel.slice(0, -".wsp".length).split(sep).join(".");
  return prefix === "" ? path : `${prefix.replace(/\.$/, "")}.${path}`;
}

export async function importWhisper(run: ImportRun, dir: string, prefix: string): Promise<void> {
  const files = listWhisperFiles(dir);
  run.counts.total = files.length;
  let doneNow = 0;
  for (const rel of files) {
    if (run.state.isDone(rel)) {
      run.counts.done++;
      continue;
    }
    if (limitReached(run, doneNow)) break;
    const file = join(dir, rel);
    try {
      const buf = readFileSync(file);
      const header = parseWhisperHeader(buf, file);
      const merged = mergeArchives(buf, header, Math.floor(run.now / 1000));
      await putSeries(run, { key: whisperSeriesName(rel, prefix), ts: merged.ts, values: merged.values });
      run.log.debug("whisper file imported", { file, archives: header.archives.length, points: merged.perArchive.join("/") });
      run.state.markDone(rel);
    } catch (err) {
      // a bad file is reported and left out of the state: a rerun tries it again
      const code = (err as { code?: string }).code;
      if (code === "whisper_bad_file" || code === "EACCES" || code === "EISDIR") run.problems.push(errorMessage(err));
      else throw err;
    }
    run.counts.done++;
    doneNow++;
    run.progress.update(run.counts, rel);
  }
}
