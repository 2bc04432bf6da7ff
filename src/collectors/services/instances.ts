/**
 * Several servers polled by one collector (Diamond's `hosts` / `instances`): each is tried in
 * turn. When every one fails the run fails (counted, logged by the scheduler); when only some do,
 * the others' values are still published and each failing server is logged once as it starts and
 * stops failing (the scheduler drops the samples of a failed run, which would blank them all).
 */
import { errorMessage } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";

export interface InstancePoller<T> {
  poll(each: (instance: T) => Promise<void>): Promise<void>;
}

export function instancePoller<T>(instances: readonly T[], name: (t: T) => string, log: Logger): InstancePoller<T> {
  const failing = new Set<string>();
  return {
    async poll(each) {
      const failures: string[] = [];
      for (const inst of instances) {
        const key = name(inst);
        try {
          await each(inst);
          if (failing.delete(key)) log.info("server answering again", { server: key });
        } catch (err) {
          failures.push(errorMessage(err));
          if (!failing.has(key) && instances.length > 1) log.warn("server failing; the other servers are still collected", { server: key, err: errorMessage(err) });
          failing.add(key);
        }
      }
      if (failures.length === instances.length && failures.length > 0) throw new Error(failures.join("; "));
    },
  };
}
