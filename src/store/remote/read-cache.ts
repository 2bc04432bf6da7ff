/**
 * Answers fetched from the engine, kept between a prefetch and the evaluation that follows it (and
 * for the next requests while fresh), bounded by [store] max_cached_points: beyond it the oldest
 * answers of earlier prefetches are evicted (never those of the prefetch adding).
 */
interface Entry {
  readonly value: unknown;
  readonly size: number;
  readonly gen: number;
  readonly at: number;
}

export class ReadCache {
  private readonly entries = new Map<string, Entry>();
  points = 0;
  evicted = 0;

  constructor(private readonly maxPoints: number) {}

  /** The answer stored at or after `freshSince`. */
  get(key: string, freshSince: number): unknown {
    const e = this.entries.get(key);
    return e !== undefined && e.at >= freshSince ? e.value : undefined;
  }

  put(key: string, value: unknown, size: number, gen: number, at: number): void {
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.points -= old.size;
    }
    this.entries.set(key, { value, size, gen, at });
    this.points += size;
    if (this.points <= this.maxPoints) return;
    for (const [k, e] of this.entries) {
      if (this.points <= this.maxPoints) break;
      if (e.gen === gen) continue;
      this.entries.delete(k);
      this.points -= e.size;
      this.evicted++;
    }
  }

  clear(): void {
    this.entries.clear();
    this.points = 0;
  }
}
