/**
 * Line protocol as InfluxDB exports it, before ingest's parser maps it (`m,tags f=v` → series
 * `m.f` with the tags): string fields, which Loupe does not store, are taken out of a line so its
 * numeric fields still count; and `influx_inspect export`'s comment lines are read for context.
 */

/** End of the part of a line that ends at the first unescaped space outside quotes, from `from`. */
function sectionEnd(line: string, from: number, quotes: boolean): number {
  let inQ = false;
  for (let i = from; i < line.length; i++) {
    const c = line[i];
    if (c === "\\") i++;
    else if (quotes && c === '"') inQ = !inQ;
    else if (c === " " && !inQ) return i;
  }
  return line.length;
}

/** Splits a field set at commas outside quotes. */
function splitFields(set: string): string[] {
  const out: string[] = [];
  let inQ = false;
  let start = 0;
  for (let i = 0; i < set.length; i++) {
    const c = set[i];
    if (c === "\\") i++;
    else if (c === '"') inQ = !inQ;
    else if (c === "," && !inQ) {
      out.push(set.slice(start, i));
      start = i + 1;
    }
  }
  out.push(set.slice(start));
  return out;
}

/** Index of the first unescaped `=` of a field. */
function fieldValueAt(f: string): number {
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "\\") i++;
    else if (f[i] === "=") return i;
  }
  return -1;
}

/**
 * The line without its string fields: `m,h=a x=1,s="a b",y=2i 1` → `m,h=a x=1,y=2i 1`, with the
 * number of fields removed; `undefined` when no field is left.
 */
export function dropStringFields(line: string): { line: string; dropped: number } | undefined {
  const keyEnd = sectionEnd(line, 0, false);
  if (keyEnd >= line.length) return undefined;
  const setEnd = sectionEnd(line, keyEnd + 1, true);
  const fields = splitFields(line.slice(keyEnd + 1, setEnd));
  const kept = fields.filter((f) => line.length > 0 && f[fieldValueAt(f) + 1] !== '"');
  if (kept.length === 0) return undefined;
  return { line: `${line.slice(0, keyEnd)} ${kept.join(",")}${line.slice(setEnd)}`, dropped: fields.length - kept.length };
}

export interface ExportContext {
  section: "header" | "ddl" | "dml";
  database: string | undefined;
  retentionPolicy: string | undefined;
}

/**
 * Reads an `influx_inspect export` comment line into the context (`# DDL`, `# DML`,
 * `# CONTEXT-DATABASE:db`, `# CONTEXT-RETENTION-POLICY:rp`); other comments change nothing.
 */
export function readExportComment(line: string, ctx: ExportContext): void {
  const t = line.trim();
  if (t === "# DDL") ctx.section = "ddl";
  else if (t === "# DML") ctx.section = "dml";
  else if (t.startsWith("# CONTEXT-DATABASE:")) ctx.database = t.slice("# CONTEXT-DATABASE:".length).trim();
  else if (t.startsWith("# CONTEXT-RETENTION-POLICY:")) ctx.retentionPolicy = t.slice("# CONTEXT-RETENTION-POLICY:".length).trim();
}
