/**
 * CPU-time measures for benches: this process's user + system time (libuv threads included), which other
 * work on a shared machine disturbs far less than wall time.
 */

/** CPU seconds of this process since `c0`. */
export function cpuSeconds(c0: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(c0);
  return (u.user + u.system) / 1e6;
}

/** Items per CPU-second of `fn` (which returns how many items it handled), best of `runs` windows of `seconds` of CPU, after one warm-up call. */
export function bestCpuRate(fn: () => number, runs: number, seconds: number): number {
  fn();
  let best = 0;
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    let n = 0;
    let el = 0;
    while (el < seconds) {
      n += fn();
      el = cpuSeconds(c0);
    }
    best = Math.max(best, n / el);
  }
  return best;
}
