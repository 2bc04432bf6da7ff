/**
 * Resume state of an import: a small JSON file (next to the database by default, `--state FILE`
 * otherwise) naming what is done, rewritten atomically after each unit of work. A rerun skips what
 * it names; the store's history rule (only points older than a series holds) keeps a rerun without
 * it from adding anything twice.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { LoupeError } from "../lib/errors.js";

export interface ImportState {
  /** What the state is about (kind and source): a state file of another import is refused. */
  readonly source: string;
  /** Units done (file paths, `measurement@window`, …). */
  readonly done: string[];
  /** Kind-specific position (e.g. bytes of an export file already read). */
  position?: number;
}

export class StateFile {
  private readonly doneSet: Set<string>;

  private constructor(
    readonly path: string,
    private readonly state: ImportState,
  ) {
    this.doneSet = new Set(state.done);
  }

  static open(path: string, source: string): StateFile {
    if (!existsSync(path)) return new StateFile(path, { source, done: [] });
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, "utf8"));
    } catch (err) {
      throw new LoupeError("import_state_bad", `${path}: not an import state file (${(err as Error).message}); remove it to start over`, { cause: err });
    }
    const st = parsed as Partial<ImportState>;
    if (typeof st.source !== "string" || !Array.isArray(st.done)) throw new LoupeError("import_state_bad", `${path}: not an import state file (no "source" and "done"); remove it to start over`);
    if (st.source !== source) throw new LoupeError("import_state_other", `${path} is the state of another import (${st.source}); give --state another file, or remove it to start over`);
    return new StateFile(path, { source, done: st.done.filter((d): d is string => typeof d === "string"), ...(typeof st.position === "number" ? { position: st.position } : {}) });
  }

  isDone(unit: string): boolean {
    return this.doneSet.has(unit);
  }

  get doneCount(): number {
    return this.doneSet.size;
  }

  get position(): number {
    return this.state.position ?? 0;
  }

  markDone(unit: string): void {
    if (this.doneSet.has(unit)) return;
    this.doneSet.add(unit);
    this.state.done.push(unit);
    this.save();
  }

  setPosition(p: number): void {
    this.state.position = p;
    this.save();
  }

  private save(): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state));
    renameSync(tmp, this.path);
  }
}
