/**
 * In-memory series index: canonical key → series (one Map lookup per sample on the write path)
 * and a trie of name segments for Graphite globs and /metrics/find listings, so a glob walks only
 * the branches its segments allow (fast with 10,000+ series).
 */
import type { PathNode, TagMatcher } from "../api.js";
import { compileRegex } from "../../lib/safe-regex.js";
import { compileGlob, type SegmentMatcher } from "./glob.js";

export interface IndexedSeries {
  readonly id: number;
  readonly key: string;
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
}

interface TrieNode {
  readonly path: string;
  /** Created with the first child (most nodes are leaves). */
  children: Map<string, TrieNode> | undefined;
  /** Series whose name is exactly this path (several when tags differ). */
  series: IndexedSeries[];
}

/** Ids from 0 up to this are also kept in a dense array (8 MiB at most). */
const BY_SLOT_LIMIT = 1 << 20;

function newNode(path: string): TrieNode {
  return { path, children: undefined, series: [] };
}

export class SeriesIndex<S extends IndexedSeries> {
  readonly byKey = new Map<string, S>();
  readonly byId = new Map<number, S>();
  /** The same by id as a dense array (ids below BY_SLOT_LIMIT): the columnar write path's lookup. */
  private readonly bySlot: Array<S | undefined> = [];
  private readonly root = newNode("");

  /** Series by id: an array read for the usual small ids, the Map beyond. */
  get(id: number): S | undefined {
    return id >= 0 && id < BY_SLOT_LIMIT ? this.bySlot[id] : this.byId.get(id);
  }

  get size(): number {
    return this.byKey.size;
  }

  add(s: S): void {
    this.byKey.set(s.key, s);
    this.byId.set(s.id, s);
    if (Number.isInteger(s.id) && s.id >= 0 && s.id < BY_SLOT_LIMIT) {
      // filled in id order from the database; holes (deleted ids) stay undefined
      while (this.bySlot.length < s.id) this.bySlot.push(undefined);
      this.bySlot[s.id] = s;
    }
    let node = this.root;
    const segs = s.name.split(".");
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i]!;
      let next = node.children?.get(seg);
      if (next === undefined) {
        // the last node's path is the series name itself (one string, not a copy)
        next = newNode(i === segs.length - 1 ? s.name : node.path === "" ? seg : `${node.path}.${seg}`);
        (node.children ??= new Map()).set(seg, next);
      }
      node = next;
    }
    node.series.push(s);
  }

  remove(s: S): void {
    this.byKey.delete(s.key);
    this.byId.delete(s.id);
    if (this.bySlot[s.id] === s) this.bySlot[s.id] = undefined;
    const segs = s.name.split(".");
    const trail: TrieNode[] = [this.root];
    let node: TrieNode | undefined = this.root;
    for (const seg of segs) {
      node = node.children?.get(seg);
      if (node === undefined) return;
      trail.push(node);
    }
    node.series = node.series.filter((x) => x.id !== s.id);
    // prune empty branches
    for (let i = trail.length - 1; i > 0; i--) {
      const n = trail[i]!;
      if (n.series.length > 0 || (n.children?.size ?? 0) > 0) break;
      trail[i - 1]!.children?.delete(segs[i - 1]!);
    }
  }

  private walk(matchers: readonly SegmentMatcher[]): TrieNode[] {
    let level: TrieNode[] = [this.root];
    for (const m of matchers) {
      const next: TrieNode[] = [];
      for (const node of level) {
        const children = node.children;
        if (children === undefined) continue;
        if ("literal" in m) {
          const c = children.get(m.literal);
          if (c !== undefined) next.push(c);
        } else {
          for (const [seg, c] of children) if (m.re.test(seg)) next.push(c);
        }
      }
      level = next;
      if (level.length === 0) break;
    }
    return level;
  }

  /** Series whose name matches the glob, sorted by key. */
  find(glob: string): S[] {
    if (glob === "") return [];
    const out: S[] = [];
    for (const node of this.walk(compileGlob(glob))) for (const s of node.series) out.push(s as S);
    out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return out;
  }

  /** Nodes matching the glob at its depth, sorted by path (Graphite /metrics/find). */
  listChildren(query: string): PathNode[] {
    if (query === "") return [];
    const nodes = this.walk(compileGlob(query));
    const out = nodes.map((n) => ({
      path: n.path,
      text: n.path.slice(n.path.lastIndexOf(".") + 1),
      leaf: n.series.length > 0,
      expandable: (n.children?.size ?? 0) > 0,
    }));
    out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return out;
  }

  /** Series matching every tag matcher; the key `name` matches the series name. */
  match(matchers: readonly TagMatcher[]): S[] {
    const tests = matchers.map((m) => {
      // linear-time (RE2) matching: a tag regex comes from a query
      const re = m.op === "=~" || m.op === "!=~" ? compileRegex(m.value, `tag matcher ${m.key}${m.op}`) : undefined;
      return (s: IndexedSeries): boolean => {
        const v = m.key === "name" ? s.name : (s.tags[m.key] ?? "");
        switch (m.op) {
          case "=":
            return v === m.value;
          case "!=":
            return v !== m.value;
          case "=~":
            return re!.testWhole(v);
          case "!=~":
            return !re!.testWhole(v);
        }
      };
    });
    const out: S[] = [];
    for (const s of this.byKey.values()) if (tests.every((t) => t(s))) out.push(s);
    out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return out;
  }
}
