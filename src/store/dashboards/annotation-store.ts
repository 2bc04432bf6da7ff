/**
 * AnnotationService (src/dashboards/service.ts) on SQLite, implemented without importing it (the
 * records are plain data): `annotations` with their tags in `annotation_tags`.
 */
import type { Db } from "../db.js";
import type { Clock } from "../../lib/clock.js";
import { BadRequestError } from "../../lib/errors.js";
import type { Annotation, AnnotationFilter, UnixMs } from "../../model/index.js";

export type { Annotation, AnnotationFilter } from "../../model/index.js";


export const ANNOTATION_LIMITS = { text: 10_000, tags: 20, tag: 50, list: 10_000, listDefault: 1000 } as const;

interface Row {
  id: number;
  time: number;
  time_end: number;
  text: string;
  dashboard_uid: string | null;
  created_by: string | null;
}

export class SqliteAnnotationService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  list(filter: AnnotationFilter): Annotation[] {
    const tags = [...new Set(filter.tags ?? [])].filter((t) => t !== "");
    const limit = Math.min(ANNOTATION_LIMITS.list, Math.max(1, filter.limit ?? ANNOTATION_LIMITS.listDefault));
    // a deleted dashboard's notes are hidden with it (kept until it is purged from the trash)
    const where = ["a.time <= @to", "a.time_end >= @from", "(a.dashboard_uid IS NULL OR NOT EXISTS (SELECT 1 FROM dashboards d WHERE d.uid = a.dashboard_uid AND d.deleted_at IS NOT NULL))"];
    if (filter.dashboardUid !== undefined) where.push("(a.dashboard_uid = @dashboard OR a.dashboard_uid IS NULL)");
    if (tags.length > 0) {
      where.push(
        `(SELECT count(*) FROM annotation_tags t WHERE t.annotation_id = a.id AND t.tag IN (SELECT value FROM json_each(@tags))) ${
          filter.matchAny === true ? ">= 1" : "= @ntags"
        }`,
      );
    }
    const rows = this.db
      .prepare(`SELECT a.id, a.time, a.time_end, a.text, a.dashboard_uid, a.created_by FROM annotations a WHERE ${where.join(" AND ")} ORDER BY a.time, a.id LIMIT @limit`)
      .all({
        from: filter.from,
        to: filter.to,
        limit,
        ...(filter.dashboardUid !== undefined ? { dashboard: filter.dashboardUid } : {}),
        ...(tags.length > 0 ? { tags: JSON.stringify(tags), ...(filter.matchAny === true ? {} : { ntags: tags.length }) } : {}),
      }) as Row[];
    return this.withTags(rows);
  }

  get(id: number): Annotation | undefined {
    const r = this.db.prepare("SELECT id, time, time_end, text, dashboard_uid, created_by FROM annotations WHERE id = ?").get(id) as Row | undefined;
    return r === undefined ? undefined : this.withTags([r])[0];
  }

  add(
    a: { readonly time: UnixMs; readonly timeEnd?: UnixMs; readonly text: string; readonly tags?: readonly string[]; readonly dashboardUid?: string | null },
    by: string | null,
  ): Annotation {
    const timeEnd = a.timeEnd ?? a.time;
    if (!Number.isSafeInteger(a.time) || !Number.isSafeInteger(timeEnd) || a.time < 0) throw new BadRequestError("time and timeEnd must be integer milliseconds", "validation_failed");
    if (timeEnd < a.time) throw new BadRequestError("timeEnd: must not be before time", "validation_failed");
    const text = a.text.trim();
    if (text === "" || text.length > ANNOTATION_LIMITS.text) throw new BadRequestError(`text: 1 to ${ANNOTATION_LIMITS.text} characters`, "validation_failed");
    const tags = [...new Set((a.tags ?? []).map((t) => t.trim()).filter((t) => t !== ""))];
    if (tags.length > ANNOTATION_LIMITS.tags || tags.some((t) => t.length > ANNOTATION_LIMITS.tag)) {
      throw new BadRequestError(`tags: at most ${ANNOTATION_LIMITS.tags} tags of up to ${ANNOTATION_LIMITS.tag} characters`, "validation_failed");
    }
    const dashboard = a.dashboardUid ?? null;
    return this.db.transaction(() => {
      if (dashboard !== null && this.db.prepare("SELECT 1 FROM dashboards WHERE uid = ?").get(dashboard) === undefined) {
        throw new BadRequestError(`dashboardUid: no dashboard "${dashboard}"`, "validation_failed");
      }
      const id = Number(
        this.db
          .prepare("INSERT INTO annotations (time, time_end, text, dashboard_uid, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)")
          .run(a.time, timeEnd, text, dashboard, this.clock.now(), by).lastInsertRowid,
      );
      const addTag = this.db.prepare("INSERT OR IGNORE INTO annotation_tags (annotation_id, tag) VALUES (?, ?)");
      for (const t of tags) addTag.run(id, t);
      return { id, time: a.time, timeEnd, text, tags, dashboardUid: dashboard, createdBy: by };
    })();
  }

  delete(id: number): boolean {
    return this.db.prepare("DELETE FROM annotations WHERE id = ?").run(id).changes > 0;
  }

  private withTags(rows: readonly Row[]): Annotation[] {
    if (rows.length === 0) return [];
    const tagRows = this.db
      .prepare("SELECT annotation_id, tag FROM annotation_tags WHERE annotation_id IN (SELECT value FROM json_each(?)) ORDER BY tag")
      .all(JSON.stringify(rows.map((r) => r.id))) as Array<{ annotation_id: number; tag: string }>;
    const byId = new Map<number, string[]>();
    for (const t of tagRows) {
      const l = byId.get(t.annotation_id);
      if (l === undefined) byId.set(t.annotation_id, [t.tag]);
      else l.push(t.tag);
    }
    return rows.map((r) => ({
      id: r.id,
      time: r.time,
      timeEnd: r.time_end,
      text: r.text,
      tags: byId.get(r.id) ?? [],
      dashboardUid: r.dashboard_uid,
      createdBy: r.created_by,
    }));
  }
}
