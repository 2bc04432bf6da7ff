/**
 * The dashboard repository on SQLite (it implements src/dashboards' DashboardRepository without
 * importing it: plain JSON records in and out, validation stays in the dashboards module): the
 * current JSON in `dashboards`, title and tags copied out for listing, every save appended to
 * `dashboard_versions` (the last `versionsToKeep` kept), recently viewed dashboards per user in
 * `dashboard_views`. Deleting marks `deleted_at` (the trash, migration 0007): a deleted dashboard is
 * hidden from list, tags, get and recently viewed, keeps its versions, and is gone only when purged.
 */
import type { Statement } from "better-sqlite3";
import type { Db } from "../db.js";
import type { Clock } from "../../lib/clock.js";
import { BadRequestError, ConflictError } from "../../lib/errors.js";
import type { DashboardSummary as DashboardListEntry, UnixMs } from "../../model/index.js";

export type { DashboardSummary as DashboardListEntry } from "../../model/index.js";

/** What is stored of a dashboard: its JSON (kept as is) and the title and tags copied out for listing. */
export interface DashboardDocumentInput {
  readonly uid: string;
  readonly title: string;
  readonly tags: readonly string[];
  readonly data: object;
}

export interface DashboardRow {
  readonly data: unknown;
  readonly version: number;
  readonly updatedAt: UnixMs;
  readonly updatedBy: string | null;
  readonly provisionedFrom: string | null;
}

export interface DashboardVersionEntry {
  readonly version: number;
  readonly savedAt: UnixMs;
  readonly savedBy: string | null;
  readonly message: string;
}

/** A dashboard in the trash. */
export interface TrashEntry {
  readonly uid: string;
  readonly title: string;
  readonly version: number;
  readonly deletedAt: UnixMs;
  readonly deletedBy: string | null;
}

export interface DashboardStoreOptions {
  readonly clock: Clock;
  /** [dashboards] versions_to_keep */
  readonly versionsToKeep: number;
  /** Recently viewed entries kept per user. */
  readonly recentPerUser?: number;
}

interface Row {
  uid: string;
  title: string;
  data: string;
  version: number;
  updated_at: number;
  updated_by: string | null;
  provisioned_from: string | null;
}

export class SqliteDashboardRepository {
  private readonly clock: Clock;
  private readonly keep: number;
  private readonly recentKeep: number;
  private readonly q: {
    get: Statement<[string], Row>;
    head: Statement<[string], { version: number; provisioned_from: string | null; deleted_at: number | null }>;
    insert: Statement;
    update: Statement;
    delTags: Statement<[string]>;
    addTag: Statement<[string, string]>;
    addVersion: Statement;
    pruneVersions: Statement<[string, number]>;
    versions: Statement<[string], { version: number; saved_at: number; saved_by: string | null; message: string }>;
    version: Statement<[string, number], { data: string }>;
    del: Statement<[number, string | null, string]>;
    trash: Statement<[], { uid: string; title: string; version: number; deleted_at: number; deleted_by: string | null }>;
    restore: Statement<[string]>;
    purge: Statement<[number]>;
    allTags: Statement<[], { uid: string; tag: string }>;
    view: Statement<[string, string, number]>;
    pruneViews: Statement<[string, string, number]>;
    setProvisioned: Statement<[string | null, string]>;
  };

  constructor(
    private readonly db: Db,
    options: DashboardStoreOptions,
  ) {
    this.clock = options.clock;
    this.keep = Math.max(1, options.versionsToKeep);
    this.recentKeep = options.recentPerUser ?? 50;
    this.q = {
      get: db.prepare("SELECT uid, title, data, version, updated_at, updated_by, provisioned_from FROM dashboards WHERE uid = ? AND deleted_at IS NULL"),
      head: db.prepare("SELECT version, provisioned_from, deleted_at FROM dashboards WHERE uid = ?"),
      insert: db.prepare(
        `INSERT INTO dashboards (uid, title, data, version, created_at, updated_at, updated_by, provisioned_from)
         VALUES (@uid, @title, @data, @version, @now, @now, @by, @provisioned)`,
      ),
      update: db.prepare(
        `UPDATE dashboards SET title = @title, data = @data, version = @version, updated_at = @now, updated_by = @by,
         provisioned_from = @provisioned, deleted_at = NULL, deleted_by = NULL WHERE uid = @uid`,
      ),
      delTags: db.prepare("DELETE FROM dashboard_tags WHERE uid = ?"),
      addTag: db.prepare("INSERT OR IGNORE INTO dashboard_tags (uid, tag) VALUES (?, ?)"),
      addVersion: db.prepare(
        `INSERT OR REPLACE INTO dashboard_versions (uid, version, data, saved_at, saved_by, message)
         VALUES (@uid, @version, @data, @now, @by, @message)`,
      ),
      pruneVersions: db.prepare("DELETE FROM dashboard_versions WHERE uid = ? AND version <= ?"),
      versions: db.prepare("SELECT version, saved_at, saved_by, message FROM dashboard_versions WHERE uid = ? ORDER BY version DESC"),
      version: db.prepare("SELECT data FROM dashboard_versions WHERE uid = ? AND version = ?"),
      del: db.prepare("UPDATE dashboards SET deleted_at = ?, deleted_by = ? WHERE uid = ? AND deleted_at IS NULL"),
      trash: db.prepare("SELECT uid, title, version, deleted_at, deleted_by FROM dashboards WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC, uid"),
      restore: db.prepare("UPDATE dashboards SET deleted_at = NULL, deleted_by = NULL WHERE uid = ? AND deleted_at IS NOT NULL"),
      // versions, tags, views and the dashboard's annotations go with it (ON DELETE CASCADE)
      purge: db.prepare("DELETE FROM dashboards WHERE deleted_at IS NOT NULL AND deleted_at <= ?"),
      allTags: db.prepare("SELECT t.uid, t.tag FROM dashboard_tags t JOIN dashboards d ON d.uid = t.uid WHERE d.deleted_at IS NULL ORDER BY t.tag"),
      view: db.prepare(
        `INSERT INTO dashboard_views (user, uid, viewed_at) VALUES (?, ?, ?)
         ON CONFLICT (user, uid) DO UPDATE SET viewed_at = excluded.viewed_at`,
      ),
      pruneViews: db.prepare(
        `DELETE FROM dashboard_views WHERE user = ? AND uid NOT IN
         (SELECT uid FROM dashboard_views WHERE user = ? ORDER BY viewed_at DESC LIMIT ?)`,
      ),
      setProvisioned: db.prepare("UPDATE dashboards SET provisioned_from = ? WHERE uid = ?"),
    };
  }

  list(filter: { readonly query?: string; readonly tag?: string | readonly string[] } = {}): DashboardListEntry[] {
    const tags = this.tagsByUid();
    const wanted = (typeof filter.tag === "string" ? [filter.tag] : (filter.tag ?? [])).filter((t) => t !== "");
    const query = (filter.query ?? "").trim().toLowerCase();
    const rows = this.db
      .prepare("SELECT uid, title, version, updated_at, provisioned_from FROM dashboards WHERE deleted_at IS NULL ORDER BY title COLLATE NOCASE, uid")
      .all() as Array<Pick<Row, "uid" | "title" | "version" | "updated_at" | "provisioned_from">>;
    const out: DashboardListEntry[] = [];
    for (const r of rows) {
      const t = tags.get(r.uid) ?? [];
      if (wanted.some((w) => !t.includes(w))) continue;
      if (query !== "" && !r.title.toLowerCase().includes(query) && !t.some((x) => x.toLowerCase().includes(query))) continue;
      out.push({ uid: r.uid, title: r.title, tags: t, version: r.version, updatedAt: r.updated_at, provisioned: r.provisioned_from !== null });
    }
    return out;
  }

  /** Every tag in use with how many dashboards carry it (home page filter). */
  tags(): Array<{ tag: string; count: number }> {
    return this.db
      .prepare("SELECT t.tag, count(*) AS count FROM dashboard_tags t JOIN dashboards d ON d.uid = t.uid WHERE d.deleted_at IS NULL GROUP BY t.tag ORDER BY t.tag")
      .all() as Array<{ tag: string; count: number }>;
  }

  get(uid: string): DashboardRow | undefined {
    const r = this.q.get.get(uid);
    if (r === undefined) return undefined;
    return { data: JSON.parse(r.data) as unknown, version: r.version, updatedAt: r.updated_at, updatedBy: r.updated_by, provisionedFrom: r.provisioned_from };
  }

  save(
    doc: DashboardDocumentInput,
    by: string | null,
    options: { readonly message: string; readonly expectedVersion?: number; readonly provisionedFrom?: string | null },
  ): { uid: string; version: number } {
    const d = { uid: doc.uid, title: doc.title, tags: doc.tags };
    const message = options.message;
    return this.db.transaction(() => {
      // saving onto a uid in the trash brings the dashboard back with the new content, history kept;
      // but an editor's page saving a dashboard deleted under it is a conflict, not a silent undelete
      const head = this.q.head.get(d.uid);
      const current = head?.version ?? 0;
      if (options.expectedVersion !== undefined && (options.expectedVersion !== current || head?.deleted_at != null)) {
        throw new ConflictError(
          head === undefined || head.deleted_at !== null
            ? `dashboard "${d.uid}" no longer exists (expected version ${options.expectedVersion}); if it was deleted, an Admin can restore it from "Recently deleted"`
            : `dashboard "${d.uid}" was saved by someone else: it is at version ${current}, not ${options.expectedVersion}`,
          "version_conflict",
        );
      }
      const version = current + 1;
      const now = this.clock.now();
      const data = JSON.stringify({ ...doc.data, version });
      const provisioned = options.provisionedFrom !== undefined ? options.provisionedFrom : (head?.provisioned_from ?? null);
      const params = { uid: d.uid, title: d.title, data, version, now, by, provisioned };
      if (head === undefined) this.q.insert.run(params);
      else this.q.update.run(params);
      this.q.delTags.run(d.uid);
      for (const t of d.tags) this.q.addTag.run(d.uid, t);
      this.q.addVersion.run({ uid: d.uid, version, data, now, by, message });
      this.q.pruneVersions.run(d.uid, version - this.keep);
      return { uid: d.uid, version };
    })();
  }

  /** Moves a dashboard to the trash (false: no such dashboard, or already there). */
  delete(uid: string, by: string | null = null): boolean {
    return this.q.del.run(this.clock.now(), by, uid).changes > 0;
  }

  /** Dashboards in the trash, most recently deleted first. */
  trash(): TrashEntry[] {
    return this.q.trash.all().map((r) => ({ uid: r.uid, title: r.title, version: r.version, deletedAt: r.deleted_at, deletedBy: r.deleted_by }));
  }

  /** Takes a dashboard out of the trash (false: it is not there). */
  restore(uid: string): boolean {
    return this.q.restore.run(uid).changes > 0;
  }

  /** Deletes for good the dashboards deleted at or before `before`, with their versions; answers how many. */
  purgeTrash(before: UnixMs): number {
    return this.q.purge.run(before).changes;
  }

  versions(uid: string): DashboardVersionEntry[] {
    return this.q.versions.all(uid).map((r) => ({ version: r.version, savedAt: r.saved_at, savedBy: r.saved_by, message: r.message }));
  }

  /** The JSON of one saved version (parsed, not validated), undefined when there is none. */
  getVersion(uid: string, version: number): unknown {
    const r = this.q.version.get(uid, version);
    return r === undefined ? undefined : (JSON.parse(r.data) as unknown);
  }

  markViewed(uid: string, user: string): void {
    const head = this.q.head.get(uid);
    if (user === "" || head === undefined || head.deleted_at !== null) return;
    this.q.view.run(user, uid, this.clock.now());
    this.q.pruneViews.run(user, user, this.recentKeep);
  }

  recentlyViewed(user: string, limit = 10): DashboardListEntry[] {
    if (!Number.isInteger(limit) || limit < 1) throw new BadRequestError("limit must be a positive integer");
    const rows = this.db
      .prepare(
        `SELECT d.uid, d.title, d.version, d.updated_at, d.provisioned_from FROM dashboard_views v
         JOIN dashboards d ON d.uid = v.uid WHERE v.user = ? AND d.deleted_at IS NULL ORDER BY v.viewed_at DESC LIMIT ?`,
      )
      .all(user, limit) as Array<Pick<Row, "uid" | "title" | "version" | "updated_at" | "provisioned_from">>;
    const tags = this.tagsByUid();
    return rows.map((r) => ({ uid: r.uid, title: r.title, tags: tags.get(r.uid) ?? [], version: r.version, updatedAt: r.updated_at, provisioned: r.provisioned_from !== null }));
  }

  setProvisioned(uid: string, from: string | null): void {
    this.q.setProvisioned.run(from, uid);
  }

  provisionedFrom(uid: string): string | null | undefined {
    const head = this.q.head.get(uid);
    return head === undefined || head.deleted_at !== null ? undefined : head.provisioned_from;
  }

  private tagsByUid(): Map<string, string[]> {
    const m = new Map<string, string[]>();
    for (const r of this.q.allTags.all()) {
      const l = m.get(r.uid);
      if (l === undefined) m.set(r.uid, [r.tag]);
      else l.push(r.tag);
    }
    return m;
  }
}
