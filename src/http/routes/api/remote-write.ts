/**
 * Prometheus remote_write in: `POST /api/v1/write` (snappy protobuf WriteRequest, as Prometheus,
 * vmagent and Grafana Agent send it), with the access rule of Influx /write (Editor, or a write
 * token). Answers 204 once the sink has made the samples durable; a malformed or over-limit request
 * is 400 (413 for size) naming the `[ingest.remote_write]` key, so the sender drops it rather than
 * retrying it forever. Decoding and the limits live in ingest/remote-write.ts.
 */
import { Router } from "express";
import type { Logger } from "../../../lib/logger.js";
import type { MetricsRegistry } from "../../../lib/metrics.js";
import type { SampleSink } from "../../../model/index.js";
import { RemoteWriteIngest, readRemoteWriteBody, type RemoteWriteLimits } from "../../../ingest/index.js";
import { access } from "../../access.js";

export interface RemoteWriteRouteDeps {
  /** The store, or the tee that also feeds forwarders; its columnar fast path is used when it has one. */
  readonly sink: SampleSink;
  readonly log: Logger;
  readonly limits: RemoteWriteLimits;
  readonly metrics?: MetricsRegistry;
}

export function remoteWriteRoutes(deps: RemoteWriteRouteDeps): Router {
  const router = Router();
  const ingest = new RemoteWriteIngest(deps.sink, deps.limits, deps.log);
  deps.metrics?.collect(() => ingest.metrics());
  router.post("/api/v1/write", access("editor"), async (req, res) => {
    const body = await readRemoteWriteBody(req, ingest);
    await ingest.write(body);
    res.status(204).end();
  });
  return router;
}
