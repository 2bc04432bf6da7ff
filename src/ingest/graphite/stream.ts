/**
 * Stream parser: the bytes of one connection, packet by packet, to rows. Keeps the unfinished
 * last line of a packet until the next one completes it; a line longer than `maxLine` is reported
 * invalid and skipped up to its newline instead of being buffered without bound.
 */
import type { Clock } from "../../lib/clock.js";
import { parseGraphite, type GraphiteRowHandler } from "./parser.js";

export const MAX_LINE = 64 * 1024;

export class GraphiteStream {
  private tail: Buffer | undefined;
  private skipping = false;

  constructor(
    private readonly h: GraphiteRowHandler,
    private readonly clock: Clock,
    private readonly maxLine = MAX_LINE,
  ) {}

  push(chunk: Buffer): void {
    const now = this.clock.now();
    let start = 0;
    if (this.skipping || this.tail !== undefined) {
      const nl = chunk.indexOf(0x0a);
      if (nl < 0) {
        if (!this.skipping) this.keep(chunk, 0);
        return;
      }
      if (this.skipping) this.skipping = false;
      else {
        const line = Buffer.concat([this.tail!, chunk.subarray(0, nl + 1)]);
        this.tail = undefined;
        parseGraphite(line, 0, line.length, now, this.h);
      }
      start = nl + 1;
    }
    const used = parseGraphite(chunk, start, chunk.length, now, this.h);
    if (used < chunk.length) this.keep(chunk, used);
  }

  /** End of stream: the unterminated last line counts as a line. */
  end(): void {
    const t = this.tail;
    this.tail = undefined;
    this.skipping = false;
    if (t !== undefined) parseGraphite(t, 0, t.length, this.clock.now(), this.h, true);
  }

  private keep(chunk: Buffer, from: number): void {
    const part = chunk.subarray(from);
    const tail = this.tail === undefined ? Buffer.from(part) : Buffer.concat([this.tail, part]);
    if (tail.length > this.maxLine) {
      this.h.invalid(tail, 0, Math.min(tail.length, 200), `line longer than ${this.maxLine} bytes`);
      this.tail = undefined;
      this.skipping = true;
    } else this.tail = tail;
  }
}
