/** A webhook receiver on 127.0.0.1 recording every POST (JSON bodies), for notifier tests. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Receiver {
  readonly url: string;
  readonly posts: Array<{ path: string; headers: Record<string, string | string[] | undefined>; body: unknown }>;
  /** Answer with this status (default 200). */
  status: number;
  waitFor(pred: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const posts: Receiver["posts"] = [];
  const r = { status: 200 } as { status: number };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text
      }
      if (r.status < 300) posts.push({ path: req.url ?? "", headers: req.headers, body });
      res.writeHead(r.status, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(r, {
    url: `http://127.0.0.1:${port}/hook`,
    posts,
    async waitFor(pred: () => boolean, timeoutMs = 15_000) {
      const end = Date.now() + timeoutMs;
      while (!pred()) {
        if (Date.now() > end) throw new Error(`timed out; received: ${JSON.stringify(posts.map((p) => p.body))}`);
        await new Promise((res) => setTimeout(res, 50));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
