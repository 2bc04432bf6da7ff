/**
 * The dashboard page's data: its query results and annotations, drawing them into the panels, and
 * loading — the panels in view in ONE /api/query request (web/lib/lazy.ts hands out which), the
 * panels scrolled into view since in another. Split out of web/dashboard.ts, which owns the layout.
 *
 * A load draws progressively: the panels down to the first chart first, then (after the browser
 * painted that frame) the rest, so the first chart does not wait for all the others' drawing.
 * Performance marks (`loupe:*`) time each step for the Host overview bench.
 */
import { getJson } from "./api.js";
import { h } from "./dom.js";
import { toast } from "./dialogs.js";
import { runQuery, type QueryRequestItem } from "./query.js";
import { debugState } from "./state.js";
import type { AbsRange } from "./time.js";
import type { PlacedPanel } from "./grid.js";
import type { ViewportLoader } from "./lazy.js";
import type { PanelView } from "../panels/index.js";
import { errorText, type Annotation, type QueryResult } from "./types.js";

export interface LivePanel {
  readonly placed: PlacedPanel;
  readonly el: HTMLElement;
  readonly body: HTMLElement;
  view: PanelView;
}

export interface DataHost {
  /** A snapshot page: stored data only, never a query. */
  readonly snapshot: boolean;
  readonly dashboardUid: string;
  readonly grid: HTMLElement;
  readonly lazy: ViewportLoader;
  live(): readonly LivePanel[];
  queriesOf(p: PlacedPanel): QueryRequestItem[];
  range(): AbsRange;
  /** Resolves the (relative) range anew for a new load. */
  resolveRange(): AbsRange;
}

const debug = debugState();

/** performance.mark, tolerant of browsers without it. */
export function mark(name: string): void {
  if (typeof performance.mark === "function") performance.mark(`loupe:${name}`);
}

/** Resolves after the browser painted the current frame (a macrotask after the next animation frame). */
function afterPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

export class DashboardData {
  results: Map<string, QueryResult>;
  annotations: Annotation[];
  private inflight: AbortController | undefined;

  constructor(
    private readonly host: DataHost,
    results: Iterable<readonly [string, QueryResult]>,
    annotations: Annotation[],
  ) {
    this.results = new Map(results);
    this.annotations = annotations;
  }

  /** Draws `panels` (default: all) with the results held. */
  draw(panels: readonly LivePanel[] = this.host.live()): void {
    const abs = this.host.range();
    for (const p of panels) {
      const rs = this.host.queriesOf(p.placed).map((q) => this.results.get(q.id)).filter((r): r is QueryResult => r !== undefined);
      const info = p.view.update({ results: rs, range: abs, annotations: this.annotations });
      const errors = rs.filter((r) => r.error !== undefined).map((r) => errorText(r.error));
      p.el.classList.toggle("has-error", errors.length > 0);
      p.el.querySelector(".panel-error")?.remove();
      if (errors.length > 0) p.el.querySelector(".panel-header")!.append(h("span", { class: "panel-error", title: errors.join("\n") }, "⚠"));
      p.el.dataset["points"] = String(info.points);
      p.el.dataset["series"] = String(info.series.length);
      p.el.dataset["annotations"] = String(info.annotations);
      p.el.dataset["lastTime"] = String(info.lastTime ?? "");
      debug.panels[p.placed.key] = { ...info, title: p.placed.panel.title, type: p.placed.panel.type };
    }
    debug.range = { ...abs };
    if (debug.firstDrawAt === null && panels.some((p) => p.placed.panel.type !== "text")) debug.firstDrawAt = performance.now();
  }

  /**
   * Draws the panels down to the first chart that has data, lets the browser paint, then draws the
   * rest (unless a newer load began meanwhile: `stale`).
   */
  private async drawProgressively(stale: () => boolean): Promise<void> {
    const live = this.host.live();
    const cut = live.findIndex((p) => p.placed.panel.type === "timeseries" && this.host.queriesOf(p.placed).some((q) => this.results.has(q.id)));
    if (cut < 0 || cut === live.length - 1) return this.draw(live);
    this.draw(live.slice(0, cut + 1));
    mark("first-chart-drawn");
    await afterPaint();
    // a newer load, or the panels rebuilt meanwhile (a row opened: it drew them itself)
    if (stale() || this.host.live() !== live) return;
    this.draw(live.slice(cut + 1));
  }

  /** Queries the panels in view; `more`: only those scrolled into view since (same range). */
  async load(more = false): Promise<void> {
    const { host } = this;
    if (host.snapshot) {
      this.draw();
      debug.loads++;
      return;
    }
    if (!more) {
      host.resolveRange();
      this.inflight?.abort();
      host.lazy.begin();
    }
    const gen = host.lazy.generation;
    const keys = new Set(host.lazy.take());
    const live = host.live();
    const queries = live.filter((p) => keys.has(p.placed.key)).flatMap((p) => host.queriesOf(p.placed));
    if (more && queries.length === 0) return;
    const ctrl = new AbortController();
    if (!more) this.inflight = ctrl;
    const width = live.filter((p) => p.placed.panel.type === "timeseries").reduce((m, p) => Math.max(m, p.body.clientWidth), 0);
    host.grid.classList.add("loading");
    try {
      const abs = host.range();
      mark("query-sent");
      const fresh = queries.length > 0 ? (await runQuery(abs.from, abs.to, Math.min(1200, width || 600), queries, ctrl.signal)).results : [];
      mark("query-answered");
      if (gen !== host.lazy.generation) return;
      // a new range drops what panels out of view showed (they are queried when scrolled to)
      this.results = new Map([...(more ? this.results : []), ...fresh.map((r) => [r.id, r] as const)]);
      await this.drawProgressively(() => gen !== host.lazy.generation);
      if (gen !== host.lazy.generation) return;
      mark("all-drawn");
      debug["allDrawnAt"] ??= performance.now();
      debug.loads++;
      document.dispatchEvent(new CustomEvent("loupe:loaded"));
    } catch (err) {
      if (gen === host.lazy.generation) host.lazy.forget(keys);
      if ((err as Error).name === "AbortError") return;
      toast(`Query failed: ${(err as Error).message}`, "error");
    } finally {
      if (this.inflight === ctrl) this.inflight = undefined;
      if (this.inflight === undefined) host.grid.classList.remove("loading");
    }
  }

  async loadAnnotations(): Promise<void> {
    if (this.host.snapshot) return;
    try {
      const abs = this.host.range();
      const q = new URLSearchParams({ from: String(abs.from), to: String(abs.to), dashboardUid: this.host.dashboardUid });
      const r = await getJson<Annotation[] | { annotations: Annotation[] }>(`/api/annotations?${q.toString()}`);
      this.annotations = Array.isArray(r) ? r : r.annotations;
    } catch {
      /* keep what we had */
    }
  }
}
