export type { UnixMs } from "./time.js";
export { SECOND, MINUTE, HOUR, DAY } from "./time.js";
export type { Sample, SampleSink, Tags } from "./sample.js";
export { seriesKey, parseSeriesKey } from "./sample.js";
export * from "./alerting.js";
export type * from "./dashboard-records.js";
export type { ForwarderStatus } from "./forward.js";
