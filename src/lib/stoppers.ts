/** Things a composition root started (main.ts, main-agent.ts), stopped in reverse order of starting. */
import type { Logger } from "./logger.js";

/** Things started, stopped in reverse order; a failing stop is logged and the rest still run. */
export class Stoppers {
  private readonly list: Array<{ readonly name: string; stop(): Promise<void> | void }> = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly log: Logger) {}

  add(name: string, stop: () => Promise<void> | void): void {
    this.list.push({ name, stop });
  }

  /** Stops everything once; later calls share the first call's promise. */
  stopAll(): Promise<void> {
    return (this.stopping ??= this.run());
  }

  private async run(): Promise<void> {
    while (this.list.length > 0) {
      const s = this.list.pop()!;
      try {
        await s.stop();
      } catch (err) {
        this.log.error("stop failed", { component: s.name, err });
      }
    }
  }
}
