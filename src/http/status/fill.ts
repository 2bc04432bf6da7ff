/**
 * When the data volume fills at the current growth: a least-squares slope over sampled sizes of the
 * database and its WALs (the point WAL grows and shrinks as chunks commit, so two end points alone
 * would swing with it). Pure: the samples carry their own times (tests use a fake clock).
 */

export interface SizeSample {
  /** When it was taken, ms. */
  readonly t: number;
  /** Database file + SQLite WAL + point WAL, bytes. */
  readonly bytes: number;
}

export type FillEstimate =
  | { readonly state: "not_enough_data"; readonly spanMs: number; readonly needMs: number }
  | { readonly state: "not_growing"; readonly bytesPerDay: number }
  | { readonly state: "fills"; readonly bytesPerDay: number; readonly fillsAt: number };

const DAY = 86_400_000;

/** Least-squares slope of bytes over time, bytes per ms; undefined with fewer than 2 distinct times. */
export function growthSlope(samples: readonly SizeSample[]): number | undefined {
  const n = samples.length;
  if (n < 2) return undefined;
  const t0 = samples[0]!.t;
  let st = 0;
  let sb = 0;
  for (const s of samples) {
    st += s.t - t0;
    sb += s.bytes;
  }
  const mt = st / n;
  const mb = sb / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    const dt = s.t - t0 - mt;
    num += dt * (s.bytes - mb);
    den += dt * dt;
  }
  return den === 0 ? undefined : num / den;
}

/**
 * The fill date of `freeBytes` at the growth the samples show, measured from `now`. Needs samples
 * spanning at least `minSpanMs`; a store that does not grow (or shrinks) never fills.
 */
export function estimateFill(samples: readonly SizeSample[], freeBytes: number, now: number, minSpanMs: number): FillEstimate {
  const span = samples.length < 2 ? 0 : samples[samples.length - 1]!.t - samples[0]!.t;
  const slope = span >= minSpanMs ? growthSlope(samples) : undefined;
  if (slope === undefined) return { state: "not_enough_data", spanMs: span, needMs: minSpanMs };
  const bytesPerDay = Math.round(slope * DAY);
  if (slope <= 0) return { state: "not_growing", bytesPerDay };
  return { state: "fills", bytesPerDay, fillsAt: Math.round(now + Math.max(0, freeBytes) / slope) };
}
