/**
 * `nginx`: reads stub_status (Diamond's NginxCollector; same defaults, so the endpoint users
 * already configured for Diamond works): active connections and reading/writing/waiting as gauges,
 * accepted/handled connections and requests as per-second rates.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { opt } from "../config/index.js";
import { defineCollector, MAX_U64 } from "./types.js";
import { roundTo } from "./units.js";

export interface StubStatus {
  readonly active: number;
  readonly accepts: number;
  readonly handled: number;
  readonly requests: number;
  readonly reading: number;
  readonly writing: number;
  readonly waiting: number;
}

/**
 *   Active connections: 2
 *   server accepts handled requests
 *    10 10 25
 *   Reading: 0 Writing: 1 Waiting: 1
 */
export function parseStubStatus(text: string): StubStatus {
  const active = /Active connections:\s*(\d+)/.exec(text);
  const totals = /^\s*(\d+)\s+(\d+)\s+(\d+)\s*$/m.exec(text);
  const rww = /Reading:\s*(\d+)\s+Writing:\s*(\d+)\s+Waiting:\s*(\d+)/.exec(text);
  if (active === null || totals === null || rww === null) throw new Error(`not an nginx stub_status page: ${JSON.stringify(text.slice(0, 80))}`);
  return {
    active: Number(active[1]),
    accepts: Number(totals[1]),
    handled: Number(totals[2]),
    requests: Number(totals[3]),
    reading: Number(rww[1]),
    writing: Number(rww[2]),
    waiting: Number(rww[3]),
  };
}

/** GET with a Host header of our choosing (fetch forbids it) and an abort signal; body capped at 64 KiB. */
function get(url: URL, hostHeader: string, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === "https:" ? httpsRequest : httpRequest)(
      url,
      { method: "GET", signal, headers: { ...(hostHeader !== "" ? { host: hostHeader } : {}), "user-agent": "loupe-nginx-collector" }, agent: false },
      (res: IncomingMessage) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`${url.href} answered HTTP ${res.statusCode}`));
          return;
        }
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
          if (body.length > 65536) req.destroy(new Error(`${url.href}: response too large for stub_status`));
        });
        res.on("end", () => resolve(body));
        res.on("error", reject);
      },
    );
    req.on("error", (err: NodeJS.ErrnoException) => reject(new Error(`cannot reach nginx at ${url.href}: ${err.code ?? err.message}`)));
    req.end();
  });
}

export const nginxCollector = defineCollector({
  name: "nginx",
  help: "nginx stub_status: active connections, reading/writing/waiting, connections and requests per second",
  enabledByDefault: false,
  options: {
    req_host: opt.string("localhost", "host of the stub_status endpoint"),
    req_port: opt.int(8080, "port of the stub_status endpoint", { min: 1, max: 65535 }),
    req_path: opt.string("/nginx_status", "path of the stub_status location"),
    req_ssl: opt.bool(false, "use https"),
    req_host_header: opt.string("", "Host header to send (for a name-based server block); empty: req_host"),
    precision: opt.int(0, "decimal places of every value, as Diamond rounds them (0: whole numbers)", { min: 0, max: 10 }),
  },
  create(options) {
    const host = options.req_host.includes(":") && !options.req_host.startsWith("[") ? `[${options.req_host}]` : options.req_host;
    const url = new URL(`${options.req_ssl ? "https" : "http"}://${host}:${options.req_port}${options.req_path.startsWith("/") ? "" : "/"}${options.req_path}`);
    const p = options.precision;
    return async (outer) => {
      const ctx = {
        gauge: (name: string, v: number): void => outer.gauge(name, roundTo(v, p)),
        counter: (name: string, v: number, max: number): void => {
          const c = outer.change(name, v, max);
          if (c !== undefined) outer.gauge(name, roundTo(c.delta / c.seconds, p));
        },
        signal: outer.signal,
      };
      const s = parseStubStatus(await get(url, options.req_host_header, ctx.signal));
      ctx.gauge("active_connections", s.active);
      ctx.gauge("act_reads", s.reading);
      ctx.gauge("act_writes", s.writing);
      ctx.gauge("act_waits", s.waiting);
      if (s.handled > 0) ctx.gauge("req_per_conn", s.requests / s.handled);
      ctx.counter("conn_accepted", s.accepts, MAX_U64);
      ctx.counter("conn_handled", s.handled, MAX_U64);
      ctx.counter("req_handled", s.requests, MAX_U64);
    };
  },
});
