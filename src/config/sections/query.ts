import { opt } from "../options.js";

/** Per-request bounds of /render and /api/query (src/query/budget.ts). */
export const querySection = {
  timeout: opt.duration(
    "10s",
    "wall-clock budget of one /render or /api/query request, checked inside evaluation loops; beyond it the request answers 503 query_timeout",
    { min: 1 },
  ),
  max_series: opt.int(50000, "series one /render or /api/query request may read, summed over all its targets; beyond it 400 too_many_series", { min: 1 }),
  max_points: opt.int(
    10000000,
    "values (series × points) one request may read, summed over all its targets; about 23 bytes each in memory while it runs (10M ≈ 230 MB); beyond it 400 too_many_points",
    { min: 1 },
  ),
  max_targets: opt.int(500, "targets one /render request may carry; beyond it 400 too_many_targets", { min: 1 }),
  max_regex_size: opt.int(
    2000,
    "largest regex accepted (grep, exclude, aliasSub, seriesByTag =~, globs, /tags filter), in compiled RE2 instructions; matching time grows with it; beyond it 400 regex_too_large",
    { min: 10 },
  ),
} as const;
