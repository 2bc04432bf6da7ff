/**
 * `loupe import influx --file F[.gz]`: an `influx_inspect export` file (plain or gzip, found by its
 * magic bytes): the DDL section is skipped, DML lines (line protocol, nanoseconds) are parsed by
 * ingest's parser in blocks and written per series once `batch` points are gathered (memory stays
 * bounded). `# CONTEXT-DATABASE:` lines select the database when --db is given. The resume
 * position is the number of lines fully written.
 */
import { closeSync, createReadStream, openSync, readSync, statSync } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { parseLineProtocol, SeriesKeyCache } from "../ingest/index.js";
import { limitReached, type ImportRun } from "./run.js";
import { dropStringFields, readExportComment, type ExportContext } from "./influx-line.js";
import { SeriesBuffer } from "./series-buffer.js";

export interface InfluxFileOptions {
  readonly file: string;
  /** Only this database's DML (`# CONTEXT-DATABASE:`); undefined = every database. */
  readonly db: string | undefined;
  /** Points gathered before they are written. */
  readonly batch: number;
}

const MB = 1024 * 1024;
const BLOCK_LINES = 5000;

function isGzip(file: string): boolean {
  const fd = openSync(file, "r");
  try {
    const b = Buffer.alloc(2);
    return readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

interface Block {
  lines: string[];
  firstLine: number;
}

/** Parses a block of DML lines into the buffer; string fields are dropped (counted), bad lines reported. */
function parseBlock(run: ImportRun, file: string, block: Block, buffer: SeriesBuffer, cache: SeriesKeyCache): void {
  const r = parseLineProtocol(Buffer.from(block.lines.join("\n")), "ns", run.now, cache);
  buffer.addSamples(r.samples);
  for (const e of r.errors) {
    const text = block.lines[e.line - 1] ?? "";
    if (e.message.startsWith("string field")) {
      const stripped = dropStringFields(text);
      run.counts.skipped++; // the string fields of the line
      if (stripped === undefined) continue;
      const again = parseLineProtocol(Buffer.from(stripped.line), "ns", run.now, cache);
      buffer.addSamples(again.samples);
      if (again.errors.length === 0) continue;
    }
    run.problems.push(`${file}:${block.firstLine + e.line - 1}: ${e.message}`);
  }
  block.lines = [];
}

export async function importInfluxFile(run: ImportRun, o: InfluxFileOptions): Promise<void> {
  const size = statSync(o.file).size;
  run.counts.total = Math.max(1, Math.ceil(size / MB));
  const raw = createReadStream(o.file);
  let bytes = 0;
  raw.on("data", (b) => (bytes += b.length));
  const input = isGzip(o.file) ? raw.pipe(createGunzip()) : raw;
  const rl = createInterface({ input, crlfDelay: Infinity });
  const ctx: ExportContext = { section: "header", database: undefined, retentionPolicy: undefined };
  const resumeAt = run.state.position;
  const buffer = new SeriesBuffer();
  const cache = new SeriesKeyCache();
  const seen = new Set<string>();
  const block: Block = { lines: [], firstLine: 1 };
  let lineNo = 0;
  let sawDml = false;
  let flushes = 0;
  const flush = async (): Promise<void> => {
    parseBlock(run, o.file, block, buffer, cache);
    await buffer.flush(run, seen);
    run.state.setPosition(lineNo);
    run.counts.done = Math.floor(bytes / MB);
    run.progress.update(run.counts);
    flushes++;
  };
  try {
    for await (const line of rl) {
      lineNo++;
      if (line.startsWith("#")) {
        readExportComment(line, ctx);
        if (ctx.section === "dml") sawDml = true;
        continue;
      }
      // a file without the export's sections is plain line protocol
      if (lineNo <= resumeAt || line.trim() === "" || (sawDml && ctx.section !== "dml") || ctx.section === "ddl") continue;
      if (o.db !== undefined && ctx.database !== undefined && ctx.database !== o.db) continue;
      if (block.lines.length === 0) block.firstLine = lineNo;
      block.lines.push(line);
      if (block.lines.length >= Math.min(BLOCK_LINES, o.batch)) parseBlock(run, o.file, block, buffer, cache);
      if (buffer.points >= o.batch) {
        await flush();
        if (limitReached(run, flushes)) return;
      }
    }
    await flush();
    run.counts.done = run.counts.total;
  } finally {
    rl.close();
    raw.destroy();
  }
}
