/** Ingest façade: Graphite plaintext (TCP/UDP listeners) and Influx line protocol (parsed here, served by http/routes/api/write.ts). */
export * from "./graphite/index.js";
export * from "./influx/index.js";
export { SampleBatcher } from "./batcher.js";
export type { BatcherOptions } from "./batcher.js";
export { parseDecimal, parseInteger } from "./ascii-number.js";
