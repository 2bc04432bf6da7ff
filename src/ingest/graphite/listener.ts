/**
 * Graphite TCP and UDP listeners. A connection from outside `allow_from` is closed at once (a
 * datagram dropped) when the listener is bound beyond loopback; bound to loopback, only loopback
 * peers can reach it anyway. Sockets are paused while the handler's batcher is over its bound.
 */
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { BlockList, createServer, isIPv6, type AddressInfo, type Server, type Socket } from "node:net";
import { ConfigError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import type { GraphiteIngest } from "./handler.js";

export interface ListenAddr {
  readonly host: string;
  readonly port: number;
}

export interface GraphiteListenerOptions {
  readonly tcp: ListenAddr | null;
  readonly udp: ListenAddr | null;
  readonly allowFrom: readonly string[];
  readonly ingest: GraphiteIngest;
  readonly log: Logger;
  /** A connection silent this long is closed (ms; 0 never). [ingest.graphite] idle_timeout */
  readonly idleTimeoutMs?: number;
  /** Connections open at once beyond which new ones are closed. [ingest.graphite] max_connections */
  readonly maxConnections?: number;
}

export interface GraphiteListeners {
  readonly tcpPort: number | undefined;
  readonly udpPort: number | undefined;
  /** Stops accepting, ends connections, flushes what was received. */
  close(): Promise<void>;
}

export function isLoopbackHost(host: string): boolean {
  const h = normalizeAddress(host.toLowerCase());
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** `::ffff:10.0.0.1` → `10.0.0.1`. */
export function normalizeAddress(addr: string): string {
  return addr.startsWith("::ffff:") && addr.includes(".") ? addr.slice(7) : addr;
}

/** Builds the allow list from CIDRs (`10.0.0.0/8`, `2001:db8::/32`) or single addresses. */
export function allowList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const raw of cidrs) {
    const c = raw.trim();
    const slash = c.indexOf("/");
    const addr = slash < 0 ? c : c.slice(0, slash);
    const type = isIPv6(addr) ? "ipv6" : "ipv4";
    const max = type === "ipv6" ? 128 : 32;
    const prefix = slash < 0 ? max : Number(c.slice(slash + 1));
    try {
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new Error("bad prefix");
      list.addSubnet(addr, prefix, type);
    } catch (err) {
      throw new ConfigError(`"${c}" is not a network (CIDR such as 10.0.0.0/8)`, { section: "ingest.graphite", key: "allow_from" }, err);
    }
  }
  return list;
}

/** Decides whether a peer may send: loopback always; others only when listed. */
export function makeAllow(cidrs: readonly string[]): (remote: string | undefined) => boolean {
  const list = allowList(cidrs);
  return (remote) => {
    if (remote === undefined) return false;
    const a = normalizeAddress(remote);
    if (isLoopbackHost(a)) return true;
    return list.check(a, isIPv6(a) ? "ipv6" : "ipv4");
  };
}

/** Who may send and what happens to each accepted socket, shared by the TCP and UDP listeners. */
interface ListenerContext {
  readonly o: GraphiteListenerOptions;
  readonly allow: (remote: string | undefined) => boolean;
  /** Open TCP connections (paused and resumed together with the batcher's back-pressure). */
  readonly sockets: Set<Socket>;
}

export async function startGraphiteListeners(o: GraphiteListenerOptions): Promise<GraphiteListeners> {
  const ctx: ListenerContext = { o, allow: makeAllow(o.allowFrom), sockets: new Set<Socket>() };
  const ingest = o.ingest;
  const unsubscribe = ingest.batcher.onPressure((paused) => {
    for (const s of ctx.sockets) {
      if (paused) s.pause();
      else s.resume();
    }
  });
  let tcp: { server: Server; port: number } | undefined;
  let udp: { socket: UdpSocket; port: number } | undefined;
  try {
    if (o.tcp !== null) tcp = await startTcpListener(ctx, o.tcp);
    if (o.udp !== null) udp = await startUdpListener(ctx, o.udp);
  } catch (err) {
    tcp?.server.close();
    unsubscribe();
    throw err;
  }
  return {
    tcpPort: tcp?.port,
    udpPort: udp?.port,
    close: async () => {
      unsubscribe();
      const closed = tcp === undefined ? Promise.resolve() : new Promise<void>((r) => tcp!.server.close(() => r()));
      for (const s of ctx.sockets) s.destroy();
      if (udp !== undefined) await new Promise<void>((r) => udp!.socket.close(() => r()));
      await closed;
      await ingest.close();
    },
  };
}

async function startTcpListener(ctx: ListenerContext, addr: ListenAddr): Promise<{ server: Server; port: number }> {
  const server = createServer({ noDelay: true }, (socket) => acceptConnection(ctx, socket));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(addr.port, addr.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  ctx.o.log.info("graphite tcp listening", { addr: addr.host, port });
  return { server, port };
}

/** One TCP connection: refused outside allow_from or over max_connections, else streamed into the handler. */
function acceptConnection(ctx: ListenerContext, socket: Socket): void {
  const { o, sockets } = ctx;
  const ingest = o.ingest;
  const remote = socket.remoteAddress;
  if (!ctx.allow(remote)) {
    o.log.warn("graphite connection refused: not in allow_from", { remote });
    socket.destroy();
    return;
  }
  const maxConnections = o.maxConnections ?? Infinity;
  if (sockets.size >= maxConnections) {
    ingest.rejections.note("too_many_connections", { remote, open: sockets.size, max_connections: maxConnections });
    socket.destroy();
    return;
  }
  sockets.add(socket);
  ingest.connections++;
  const stream = ingest.stream(`tcp:${remote}:${socket.remotePort}`);
  const idleMs = o.idleTimeoutMs ?? 0;
  if (idleMs > 0) {
    socket.setTimeout(idleMs);
    socket.on("timeout", () => {
      // Paused by us (the store is behind): silence is ours, not the sender's.
      if (ingest.batcher.isPaused) return void socket.setTimeout(idleMs);
      ingest.rejections.note("idle_timeout", { remote, idle_timeout_ms: idleMs });
      stream.end();
      socket.destroy();
    });
  }
  if (ingest.batcher.isPaused) socket.pause();
  socket.on("data", (chunk: Buffer) => stream.push(chunk));
  socket.on("end", () => {
    stream.end();
    socket.end();
  });
  socket.on("error", (err) => o.log.debug("graphite connection error", { remote, err: err.message }));
  socket.on("close", () => {
    sockets.delete(socket);
    ingest.connections--;
  });
}

/** UDP: a datagram from outside allow_from, or while the batcher is overloaded, is dropped. */
async function startUdpListener(ctx: ListenerContext, addr: ListenAddr): Promise<{ socket: UdpSocket; port: number }> {
  const { o } = ctx;
  const ingest = o.ingest;
  const socket = createSocket({ type: isIPv6(addr.host) ? "udp6" : "udp4", recvBufferSize: 8 * 1024 * 1024 });
  const handlers = new Map<string, ReturnType<GraphiteIngest["rowHandler"]>>();
  socket.on("message", (msg, rinfo) => {
    if (!ctx.allow(rinfo.address)) return;
    if (ingest.batcher.overloaded) {
      ingest.counts.dropped++;
      return;
    }
    let h = handlers.get(rinfo.address);
    if (h === undefined) {
      if (handlers.size > 1000) handlers.clear();
      h = ingest.rowHandler(`udp:${rinfo.address}`);
      handlers.set(rinfo.address, h);
    }
    ingest.parseDatagram(msg, h);
  });
  socket.on("error", (err) => o.log.warn("graphite udp error", { err: err.message }));
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(addr.port, addr.host, () => {
        socket.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    try {
      socket.close();
    } catch {
      // never bound: nothing to release
    }
    throw err;
  }
  const port = socket.address().port;
  o.log.info("graphite udp listening", { addr: addr.host, port });
  return { socket, port };
}
