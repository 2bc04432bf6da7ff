/**
 * Lazy panel queries: a panel is queried only once it is in (or near) the viewport. Each load of
 * the page's range starts a generation; `take()` hands out the panels in view not yet queried in
 * it, and an IntersectionObserver calls `onEnter` when a panel scrolls into view, so the page
 * queries just those. A panel queried once keeps its data until the next generation.
 */

/** How far outside the viewport (px) a panel counts as in view: loads a little ahead of scrolling. */
export const LAZY_MARGIN_PX = 300;

export class ViewportLoader {
  private io: IntersectionObserver | undefined;
  private readonly els = new Map<string, HTMLElement>();
  /** key → the generation it was last queried in. */
  private readonly queried = new Map<string, number>();
  private pending: ReturnType<typeof setTimeout> | undefined;
  generation = 0;

  constructor(
    private readonly onEnter: () => void,
    private readonly margin = LAZY_MARGIN_PX,
  ) {}

  /** Watches a panel's element (call again after the panels are rebuilt). */
  observe(el: HTMLElement, key: string): void {
    this.io ??= typeof IntersectionObserver === "undefined" ? undefined : new IntersectionObserver((entries) => this.entered(entries), { rootMargin: `${this.margin}px 0px` });
    this.els.set(key, el);
    this.io?.observe(el);
  }

  /** Forgets the elements (the panels are about to be rebuilt); what was queried stays known. */
  clear(): void {
    this.io?.disconnect();
    this.els.clear();
  }

  /** A new range or selection: every panel must be queried again, when in view. */
  begin(): number {
    return ++this.generation;
  }

  /** Keys of the panels in view that were not queried in this generation; marks them queried. */
  take(): string[] {
    const out: string[] = [];
    for (const [key, el] of this.els) {
      if (this.queried.get(key) === this.generation || !this.near(el)) continue;
      this.queried.set(key, this.generation);
      out.push(key);
    }
    return out;
  }

  /** A query failed: these keys are to be asked for again. */
  forget(keys: Iterable<string>): void {
    for (const k of keys) this.queried.delete(k);
  }

  private near(el: HTMLElement): boolean {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return false;
    return r.bottom >= -this.margin && r.top <= window.innerHeight + this.margin;
  }

  private entered(entries: IntersectionObserverEntry[]): void {
    if (!entries.some((e) => e.isIntersecting)) return;
    // one query for the panels of one scroll, not one per panel
    if (this.pending !== undefined) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.onEnter();
    }, 50);
  }
}
