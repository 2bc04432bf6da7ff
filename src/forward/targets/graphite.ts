/**
 * `type = graphite`: plaintext TCP (`name;k=v value ts_s`) to carbon, carbon-relay, another Loupe or
 * VictoriaMetrics. Each batch goes over its own connection: written, then our end of the stream
 * closed; the batch counts as delivered when the peer closed its side too, i.e. after it read every
 * byte (a write callback alone only means the kernel took the bytes: a peer dying then loses them).
 * A failure after every byte was written may mean the peer had them: that batch's points are
 * counted as possible duplicates when it is sent again.
 */
import { connect, type Socket } from "node:net";
import type { Sample } from "../../model/index.js";
import { DeliveryError, type Target } from "../target.js";

export interface GraphiteOptions {
  readonly host: string;
  readonly port: number;
}

/** Plaintext lines; NaN/±Inf (not in the protocol) are skipped and counted by the caller. */
export function graphiteLines(batch: readonly Sample[]): { text: string; skipped: number } {
  let text = "";
  let skipped = 0;
  for (const s of batch) {
    if (!Number.isFinite(s.value)) {
      skipped++;
      continue;
    }
    let name = s.name;
    if (s.tags !== undefined) for (const k of Object.keys(s.tags).sort()) name += `;${k}=${s.tags[k]}`;
    text += `${name} ${String(s.value)} ${String(s.ts / 1000)}\n`;
  }
  return { text, skipped };
}

export interface GraphiteHooks {
  /** Points written in full on a connection that then failed: they may arrive twice when resent. */
  readonly onPossibleDuplicates?: (points: number) => void;
  readonly onSkipped?: (points: number) => void;
}

export function createGraphiteTarget(o: GraphiteOptions, hooks: GraphiteHooks = {}): Target {
  const open = new Set<Socket>();
  return {
    type: "graphite",
    async send(batch, signal) {
      const { text, skipped } = graphiteLines(batch);
      if (skipped > 0) hooks.onSkipped?.(skipped);
      if (text === "") return;
      await sendOnce(o, Buffer.from(text), signal, open).catch((err: unknown) => {
        const e = err instanceof DeliveryError ? err : new DeliveryError(String(err), true);
        if ((e.cause as { written?: boolean } | undefined)?.written === true) hooks.onPossibleDuplicates?.(batch.length - skipped);
        throw e;
      });
    },
    async close() {
      for (const s of open) s.destroy();
    },
  };
}

/** Connects, writes, half-closes, waits for the peer's close; rejects with a retryable DeliveryError. */
function sendOnce(o: GraphiteOptions, body: Buffer, signal: AbortSignal, open: Set<Socket>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let written = false;
    let peerEnded = false;
    let settled = false;
    const socket = connect({ host: o.host, port: o.port, allowHalfOpen: true });
    open.add(socket);
    const fail = (message: string, cause?: unknown): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      reject(new DeliveryError(`graphite ${o.host}:${o.port}: ${message}`, true, { cause: { written, error: cause } }));
    };
    const onAbort = (): void => fail(written ? "no close from the peer before the timeout" : "timed out");
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    socket.on("error", (err) => fail(err.message, err));
    socket.on("data", () => undefined); // a plaintext receiver says nothing; drain whatever it does
    socket.on("end", () => {
      peerEnded = true;
      socket.end();
    });
    socket.on("close", () => {
      open.delete(socket);
      if (settled) return;
      if (!written || !peerEnded) return fail("connection closed before the batch was read");
      settled = true;
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
    socket.once("connect", () => {
      socket.write(body, (err) => {
        if (err === undefined || err === null) written = true;
      });
      socket.end();
    });
  });
}
