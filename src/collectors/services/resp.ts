/**
 * The few bytes of the Redis protocol (RESP) the redis collector needs: send a command, read one
 * reply (`+simple`, `-error`, `:int`, `$bulk`). A full client (ioredis, node-redis) brings
 * reconnection, pipelining and pools a once-per-interval INFO does not want, and hides the one
 * connect/timeout/abort path we need to control; this is ~80 lines against RESP2, which every Redis
 * (and Valkey, KeyDB) speaks.
 */
import { connect, type Socket } from "node:net";

/** One command as a RESP array of bulk strings. */
export function encodeCommand(args: readonly string[]): Buffer {
  let out = `*${args.length}\r\n`;
  for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return Buffer.from(out);
}

export type Reply = { readonly kind: "ok"; readonly value: string } | { readonly kind: "error"; readonly message: string };

/**
 * Parses one reply at the start of `buf`; undefined while incomplete. `used` is its length in
 * bytes. Throws on a reply type this reader does not handle (arrays are never asked for).
 */
export function parseReply(buf: Buffer): { reply: Reply; used: number } | undefined {
  const eol = buf.indexOf("\r\n");
  if (eol < 0) return undefined;
  const head = buf.toString("utf8", 1, eol);
  switch (String.fromCharCode(buf[0]!)) {
    case "+":
    case ":":
      return { reply: { kind: "ok", value: head }, used: eol + 2 };
    case "-":
      return { reply: { kind: "error", message: head }, used: eol + 2 };
    case "$": {
      const len = Number(head);
      if (!Number.isInteger(len)) throw new Error(`bad RESP bulk length ${JSON.stringify(head)}`);
      if (len < 0) return { reply: { kind: "ok", value: "" }, used: eol + 2 };
      if (buf.length < eol + 2 + len + 2) return undefined;
      return { reply: { kind: "ok", value: buf.toString("utf8", eol + 2, eol + 2 + len) }, used: eol + 2 + len + 2 };
    }
    default:
      throw new Error(`unexpected RESP reply ${JSON.stringify(buf.toString("utf8", 0, Math.min(40, buf.length)))}`);
  }
}

export interface RespTarget {
  readonly host: string;
  readonly port: number;
  /** A unix socket path; when set, host and port are not used. */
  readonly socket?: string;
}

/** Largest reply accepted (INFO is a few KiB; a misdirected port must not fill memory). */
export const MAX_REPLY_BYTES = 4 * 1024 * 1024;

/**
 * Connects, sends each command in turn and returns their replies; the connection is closed after.
 * A `-ERR` reply ends the exchange with an Error carrying the server's message.
 */
export function exchange(target: RespTarget, commands: readonly (readonly string[])[], signal: AbortSignal): Promise<string[]> {
  const where = target.socket !== undefined && target.socket !== "" ? target.socket : `${target.host}:${target.port}`;
  return new Promise((resolve, reject) => {
    const sock: Socket = target.socket !== undefined && target.socket !== "" ? connect(target.socket) : connect(target.port, target.host);
    const replies: string[] = [];
    let buf = Buffer.alloc(0);
    const finish = (err?: Error): void => {
      signal.removeEventListener("abort", onAbort);
      sock.destroy();
      if (err !== undefined) reject(err);
      else resolve(replies);
    };
    const onAbort = (): void => finish(new Error(`redis at ${where}: aborted (timeout)`));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    sock.on("connect", () => sock.write(encodeCommand(commands[0]!)));
    sock.on("error", (e: NodeJS.ErrnoException) => finish(new Error(`cannot reach redis at ${where}: ${e.code ?? e.message}`)));
    sock.on("close", () => finish(new Error(`redis at ${where} closed the connection`)));
    sock.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length > MAX_REPLY_BYTES) return finish(new Error(`redis at ${where}: reply larger than ${MAX_REPLY_BYTES} bytes`));
      let parsed;
      try {
        parsed = parseReply(buf);
      } catch (e) {
        return finish(new Error(`redis at ${where}: ${(e as Error).message} (is this a Redis server?)`));
      }
      if (parsed === undefined) return;
      buf = buf.subarray(parsed.used);
      if (parsed.reply.kind === "error") return finish(new Error(`redis at ${where} answered: ${parsed.reply.message}`));
      replies.push(parsed.reply.value);
      if (replies.length === commands.length) return finish();
      sock.write(encodeCommand(commands[replies.length]!));
    });
  });
}
