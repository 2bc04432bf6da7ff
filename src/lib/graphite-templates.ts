/**
 * InfluxDB-style Graphite templates: map a dotted path to a series name and tags. Used by Graphite
 * ingest (re-exported by src/ingest) and by the remote_write forwarder's name mapping (lib/prom-names.ts).
 *
 *   [filter] template [k=v,k2=v2]
 *
 * `filter` is a dotted pattern whose parts may contain `*`; it matches a path that starts with
 * those parts (`servers.*` matches `servers.web1.cpu.user`). Without a filter the template is the
 * default. Template parts name what each path part becomes: `measurement`, `field`, a tag name, or
 * empty (skipped); `measurement*` / `field*` take every remaining part. Several parts with the same
 * role are joined with the separator. The series name is `measurement` or `measurement.field`
 * (Influx's measurement + field, as the line protocol maps them). When several filters match, the
 * most specific wins (more parts, then more literal parts, then the first listed).
 *
 * In the INI list (`templates = a, b`) the extra tags of a template are written after it with
 * commas, as InfluxDB writes them: an item that is only `k=v` belongs to the template before it.
 */
import { ConfigError } from "./errors.js";
/** Tag key → value (the same shape as model's Tags; lib/ imports nothing of the project). */
type Tags = Readonly<Record<string, string>>;

export interface GraphiteTemplate {
  readonly filter: readonly string[] | undefined;
  readonly parts: readonly string[];
  readonly tags: Tags;
  readonly source: string;
}

export interface MappedPath {
  readonly name: string;
  readonly tags: Tags | undefined;
}

const TAG_ITEM = /^[^\s=,]+=[^\s=,]*$/;

/** Joins the `k=v` items of an INI list back onto the template before them. */
export function groupTemplateItems(items: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of items) {
    const item = raw.trim();
    if (item === "") continue;
    if (TAG_ITEM.test(item) && out.length > 0 && /\s\S+=\S*$/.test(out[out.length - 1]!)) out[out.length - 1] += `,${item}`;
    else out.push(item);
  }
  return out;
}

export function parseTags(text: string, what: string, section = "ingest.graphite"): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const kv of text.split(",")) {
    const t = kv.trim();
    if (t === "") continue;
    const eq = t.indexOf("=");
    if (eq <= 0 || eq === t.length - 1) throw new ConfigError(`${what}: "${t}" is not k=v`, { section });
    tags[t.slice(0, eq)] = t.slice(eq + 1);
  }
  return tags;
}

/** `section`: where the template was configured, for the error (`forward.<name>` for a forwarder's). */
export function parseTemplate(text: string, section = "ingest.graphite"): GraphiteTemplate {
  const words = text.trim().split(/\s+/).filter((w) => w !== "");
  let filter: string | undefined;
  let template: string;
  let tags: Record<string, string> = {};
  if (words.length === 1) template = words[0]!;
  else if (words.length === 2) {
    if (words[1]!.includes("=")) {
      template = words[0]!;
      tags = parseTags(words[1]!, `template "${text}"`, section);
    } else {
      filter = words[0]!;
      template = words[1]!;
    }
  } else if (words.length === 3) {
    filter = words[0]!;
    template = words[1]!;
    tags = parseTags(words[2]!, `template "${text}"`, section);
  } else throw new ConfigError(`template "${text}": expected "[filter] template [k=v,…]"`, { section, key: "templates" });
  const parts = template.split(".");
  const mStar = parts.includes("measurement*");
  const fStar = parts.includes("field*");
  if (mStar && fStar) throw new ConfigError(`template "${text}": measurement* and field* cannot be used together`, { section, key: "templates" });
  for (const p of parts) {
    if (p.includes("=") || /\s/.test(p)) throw new ConfigError(`template "${text}": bad part "${p}"`, { section, key: "templates" });
  }
  return { filter: filter === undefined ? undefined : filter.split("."), parts, tags, source: text };
}

function partMatches(pattern: string, part: string): boolean {
  if (pattern === "*") return true;
  if (!pattern.includes("*")) return pattern === part;
  // glob with * inside one part
  const pieces = pattern.split("*");
  let pos = 0;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (i === 0) {
      if (!part.startsWith(piece)) return false;
      pos = piece.length;
    } else if (i === pieces.length - 1) {
      return part.length - piece.length >= pos && part.endsWith(piece);
    } else {
      const at = part.indexOf(piece, pos);
      if (at < 0) return false;
      pos = at + piece.length;
    }
  }
  return true;
}

/** Maps paths through templates plus default tags; results are cached per path. */
export class TemplateMapper {
  private readonly templates: readonly GraphiteTemplate[];
  private readonly cache = new Map<string, MappedPath>();

  constructor(
    templates: readonly GraphiteTemplate[],
    private readonly defaultTags: Tags,
    private readonly separator = ".",
    private readonly cacheSize = 200_000,
  ) {
    this.templates = templates;
  }

  static fromConfig(items: readonly string[], tags: readonly string[], separator = ".", section = "ingest.graphite"): TemplateMapper {
    const templates = groupTemplateItems(items).map((t) => parseTemplate(t, section));
    return new TemplateMapper(templates, parseTags(tags.join(","), "tags", section), separator);
  }

  get active(): boolean {
    return this.templates.length > 0 || Object.keys(this.defaultTags).length > 0;
  }

  /** The template that applies to `parts`, or undefined. */
  pick(parts: readonly string[]): GraphiteTemplate | undefined {
    let best: GraphiteTemplate | undefined;
    let bestLen = -1;
    let bestLiteral = -1;
    for (const t of this.templates) {
      const f = t.filter;
      if (f === undefined) {
        if (bestLen < 0) {
          best = t;
          bestLen = 0;
          bestLiteral = 0;
        }
        continue;
      }
      if (f.length > parts.length) continue;
      let ok = true;
      let literal = 0;
      for (let i = 0; i < f.length; i++) {
        if (!partMatches(f[i]!, parts[i]!)) {
          ok = false;
          break;
        }
        if (!f[i]!.includes("*")) literal++;
      }
      if (!ok) continue;
      if (f.length > bestLen || (f.length === bestLen && literal > bestLiteral)) {
        best = t;
        bestLen = f.length;
        bestLiteral = literal;
      }
    }
    return best;
  }

  map(path: string): MappedPath {
    const hit = this.cache.get(path);
    if (hit !== undefined) return hit;
    const out = this.compute(path);
    if (this.cache.size >= this.cacheSize) this.cache.clear();
    this.cache.set(path, out);
    return out;
  }

  private compute(path: string): MappedPath {
    // Graphite tagged form: name;k=v;k2=v2
    let name = path;
    let pathTags: Record<string, string> | undefined;
    const semi = path.indexOf(";");
    if (semi >= 0) {
      name = path.slice(0, semi);
      pathTags = {};
      for (const kv of path.slice(semi + 1).split(";")) {
        const eq = kv.indexOf("=");
        if (eq > 0 && eq < kv.length - 1) pathTags[kv.slice(0, eq)] = kv.slice(eq + 1);
      }
    }
    const parts = name.split(".");
    const t = this.templates.length > 0 ? this.pick(parts) : undefined;
    let tags: Record<string, string> | undefined;
    if (t !== undefined) {
      const measurement: string[] = [];
      const field: string[] = [];
      const tagParts: Record<string, string[]> = {};
      for (let i = 0; i < t.parts.length && i < parts.length; i++) {
        const role = t.parts[i]!;
        if (role === "") continue;
        if (role === "measurement") measurement.push(parts[i]!);
        else if (role === "field") field.push(parts[i]!);
        else if (role === "measurement*") {
          measurement.push(...parts.slice(i));
          break;
        } else if (role === "field*") {
          field.push(...parts.slice(i));
          break;
        } else (tagParts[role] ??= []).push(parts[i]!);
      }
      const m = measurement.length > 0 ? measurement.join(this.separator) : name;
      name = field.length > 0 ? `${m}.${field.join(this.separator)}` : m;
      tags = { ...this.defaultTags, ...t.tags };
      for (const [k, v] of Object.entries(tagParts)) tags[k] = v.join(this.separator);
    } else if (Object.keys(this.defaultTags).length > 0) tags = { ...this.defaultTags };
    if (pathTags !== undefined) tags = { ...tags, ...pathTags };
    if (tags !== undefined && Object.keys(tags).length === 0) tags = undefined;
    return { name, tags: tags === undefined ? undefined : Object.freeze(tags) };
  }
}
