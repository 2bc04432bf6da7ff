import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";

export interface HttpServer {
  readonly server: Server;
  readonly port: number;
  readonly address: string;
  close(): Promise<void>;
}

export function isLoopbackAddress(addr: string): boolean {
  const a = addr.trim().toLowerCase();
  return a === "localhost" || a === "::1" || a === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a) || a === "::ffff:127.0.0.1";
}

/** Listens and resolves once bound; close() stops accepting and ends idle keep-alive connections. */
export async function startHttpServer(app: Express, host: string, port: number): Promise<HttpServer> {
  const server = createServer(app);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const info = server.address() as AddressInfo;
  return {
    server,
    port: info.port,
    address: info.address,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 1000).unref();
      }),
  };
}
