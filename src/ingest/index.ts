/** Ingest façade: Graphite plaintext (TCP/UDP listeners), Influx line protocol (parsed here, served by http/routes/api/write.ts) and Prometheus remote_write (served by http/routes/api/remote-write.ts). */
export * from "./graphite/index.js";
export * from "./influx/index.js";
export { SampleBatcher } from "./batcher.js";
export type { BatcherOptions } from "./batcher.js";
export { parseDecimal, parseInteger } from "./ascii-number.js";
export { RemoteWriteIngest, RemoteWriteError, readRemoteWriteBody, REMOTE_WRITE_REJECT_REASONS } from "./remote-write.js";
export type { RemoteWriteLimits, RemoteWriteCounts, RemoteWriteRejectReason } from "./remote-write.js";
