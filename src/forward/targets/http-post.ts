/**
 * One HTTP(S) POST of a request body with a keep-alive agent, TLS options and an abort signal; the
 * status mapped to a DeliveryError (shared by the influx and remote_write targets).
 */
import { readFileSync } from "node:fs";
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { DeliveryError } from "../target.js";

export interface TlsOptions {
  readonly caFile?: string;
  readonly insecureSkipVerify: boolean;
}

export interface HttpPoster {
  post(url: URL, body: Buffer, headers: Readonly<Record<string, string>>, signal: AbortSignal): Promise<void>;
  close(): void;
}

/**
 * Statuses worth retrying besides 5xx: the peer may come right (auth being fixed, a database being
 * created, overload). Other 4xx mean the data itself is refused: the batch is dropped and counted.
 */
const RETRYABLE_4XX = new Set([401, 403, 404, 408, 425, 429]);

export function isRetryableStatus(status: number): boolean {
  return status >= 500 || RETRYABLE_4XX.has(status);
}

export function createHttpPoster(tls: TlsOptions): HttpPoster {
  const http = new HttpAgent({ keepAlive: true, maxSockets: 2 });
  const https = new HttpsAgent({
    keepAlive: true,
    maxSockets: 2,
    rejectUnauthorized: !tls.insecureSkipVerify,
    ...(tls.caFile !== undefined && tls.caFile !== "" ? { ca: readFileSync(tls.caFile) } : {}),
  });
  return {
    post: (url, body, headers, signal) =>
      new Promise<void>((resolve, reject) => {
        const secure = url.protocol === "https:";
        const req = (secure ? httpsRequest : httpRequest)(url, { method: "POST", agent: secure ? https : http, headers: { ...headers, "content-length": String(body.length) }, signal }, (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.length < 16 && chunks.push(c));
          res.on("error", (err) => reject(new DeliveryError(`${url.host}: ${err.message}`, true, { cause: err })));
          res.on("end", () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) return resolve();
            const text = Buffer.concat(chunks).toString("utf8").slice(0, 300).trim();
            reject(new DeliveryError(`${url.host}${url.pathname}: HTTP ${status}${text !== "" ? `: ${text}` : ""}`, isRetryableStatus(status)));
          });
        });
        req.on("error", (err) => reject(new DeliveryError(`${url.host}: ${err.message}`, true, { cause: err })));
        req.end(body);
      }),
    close: () => {
      http.destroy();
      https.destroy();
    },
  };
}
