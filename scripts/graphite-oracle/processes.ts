// Process helpers shared by the oracle's graphite side and Loupe side: free ports, feeding a TCP
// plaintext receiver, waiting with a deadline, stopping a child we started (by its PID only).
import { type ChildProcess } from "node:child_process";
import { connect, createServer } from "node:net";
import { existsSync } from "node:fs";

export const LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

/** Environment that makes a child's wall clock read `faketime` (libfaketime; monotonic clocks untouched). */
export function faketimeEnv(faketime: string): NodeJS.ProcessEnv {
  if (!existsSync(LIBFAKETIME)) {
    throw new Error(`graphite-oracle: ${LIBFAKETIME} is missing (Debian package faketime; scripts/setup-test-deps.sh installs it)`);
  }
  return { LD_PRELOAD: LIBFAKETIME, FAKETIME: faketime, FAKETIME_DONT_FAKE_MONOTONIC: "1", FAKETIME_NO_CACHE: "1", TZ: "UTC" };
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Writes every line to host:port over one TCP connection, honouring backpressure, then closes it. */
export async function sendLines(port: number, lines: Iterable<string>, batchBytes = 256 * 1024): Promise<number> {
  const sock = connect({ host: "127.0.0.1", port });
  await new Promise<void>((resolve, reject) => {
    sock.once("connect", () => resolve());
    sock.once("error", reject);
  });
  let n = 0;
  let buf = "";
  for (const line of lines) {
    buf += line;
    n++;
    if (buf.length >= batchBytes) {
      const ok = sock.write(buf);
      buf = "";
      if (!ok) await new Promise<void>((resolve) => sock.once("drain", () => resolve()));
    }
  }
  await new Promise<void>((resolve, reject) => {
    sock.once("error", reject);
    sock.end(buf, () => resolve());
  });
  await new Promise<void>((resolve) => (sock.closed ? resolve() : sock.once("close", () => resolve())));
  return n;
}

/** Polls `check` every `everyMs` until it returns true; throws with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`graphite-oracle: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** SIGTERM to a child we started (by its PID), SIGKILL if it is still there after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}
