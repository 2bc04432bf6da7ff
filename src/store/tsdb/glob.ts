// Graphite globs moved down to src/lib/graphite-glob.ts so forward/ (include/exclude) can use them too.
export * from "../../lib/graphite-glob.js";
