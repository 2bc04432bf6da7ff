/** Integer milliseconds since the Unix epoch: src/model's UnixMs, spelled out here because lib/ imports nothing of the project. */
type UnixMs = number;

/** Injected time source, so tests drive retention, rollups and rates with a fake clock. */
export interface Clock {
  now(): UnixMs;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  constructor(private t: UnixMs = 0) {}
  now(): UnixMs {
    return this.t;
  }
  set(t: UnixMs): void {
    this.t = t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
