/**
 * Progress of an import: a bar redrawn in place on a terminal, plain lines (at most one every few
 * seconds) otherwise, and the counts at the end.
 */
export interface ProgressOut {
  write(text: string): void;
  readonly isTTY: boolean;
}

export interface Counts {
  /** Units done (files, windows, MB) out of total when known. */
  done: number;
  total: number | undefined;
  series: number;
  added: number;
  alreadyStored: number;
  skipped: number;
  refused: number;
}

export function newCounts(): Counts {
  return { done: 0, total: undefined, series: 0, added: 0, alreadyStored: 0, skipped: 0, refused: 0 };
}

/** The counts line printed at the end (and in plain progress lines). */
export function formatCounts(c: Counts): string {
  return `series ${c.series}, points added ${c.added}, already stored ${c.alreadyStored}, skipped ${c.skipped}, refused ${c.refused}`;
}

export class Progress {
  private last = 0;
  private drawn = false;

  constructor(
    private readonly out: ProgressOut,
    private readonly unit: string,
    private readonly plainEveryMs = 5000,
  ) {}

  update(c: Counts, label = ""): void {
    const now = Date.now();
    if (this.out.isTTY) {
      if (now - this.last < 100) return;
      this.last = now;
      const width = 30;
      const share = c.total !== undefined && c.total > 0 ? Math.min(1, c.done / c.total) : undefined;
      const bar = share === undefined ? "" : `[${"#".repeat(Math.round(share * width)).padEnd(width, ".")}] ${(share * 100).toFixed(0).padStart(3)}% `;
      const of = c.total !== undefined ? `/${c.total}` : "";
      this.out.write(`\r\x1b[K${bar}${c.done}${of} ${this.unit}, ${c.added} points ${label}`.slice(0, 200));
      this.drawn = true;
      return;
    }
    if (now - this.last < this.plainEveryMs) return;
    this.last = now;
    this.out.write(`progress: ${c.done}${c.total !== undefined ? `/${c.total}` : ""} ${this.unit}; ${formatCounts(c)}${label ? ` (${label})` : ""}\n`);
  }

  /** Ends the bar's line (a terminal) so the next output starts on its own line. */
  end(): void {
    if (this.drawn) this.out.write("\n");
    this.drawn = false;
  }
}
