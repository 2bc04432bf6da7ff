/**
 * HTTP(S) requests to an identity provider (discovery, token, user info, JWKS) with the TLS options
 * Node's global fetch cannot take per request: an extra CA (tls_client_ca) and
 * tls_skip_verify_insecure. Answers are capped at 1 MiB (no provider document is near that) and each
 * request is bounded by the section's `timeout`. Returns a WHATWG Response, so jose can use it too.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { rootCertificates } from "node:tls";

export interface ProviderTls {
  /** PEM text of an extra CA, or undefined. */
  readonly ca: string | undefined;
  readonly skipVerify: boolean;
  readonly timeoutMs: number;
}

export type ProviderFetch = (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<Response>;

const MAX_BODY = 1024 * 1024;

export function providerFetch(tls: ProviderTls): ProviderFetch {
  const ca = tls.ca === undefined ? undefined : [...rootCertificates, tls.ca];
  return (url, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const u = new URL(url);
      const send = u.protocol === "https:" ? httpsRequest : httpRequest;
      const req = send(
        u,
        {
          method: init.method ?? "GET",
          headers: { accept: "application/json", "user-agent": "loupe", ...init.headers },
          timeout: tls.timeoutMs,
          ...(u.protocol === "https:" ? { rejectUnauthorized: !tls.skipVerify, ...(ca !== undefined ? { ca } : {}) } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (c: Buffer) => {
            size += c.length;
            if (size > MAX_BODY) {
              req.destroy(new Error(`${u.origin}${u.pathname} answered more than 1 MiB`));
              return;
            }
            chunks.push(c);
          });
          res.on("error", reject);
          res.on("end", () => {
            const headers = new Headers();
            for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") headers.set(k, v);
            const status = res.statusCode ?? 500;
            const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
            resolve(new Response(body, { status, headers }));
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${u.origin}${u.pathname} did not answer within ${tls.timeoutMs} ms`)));
      req.on("error", reject);
      req.end(init.body);
    });
}

/** GET a JSON object; a clear error naming the URL (never its query string) otherwise. */
export async function getJson(fetcher: ProviderFetch, url: string, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const res = await fetcher(url, { headers });
  const where = `${new URL(url).origin}${new URL(url).pathname}`;
  if (!res.ok) throw new Error(`${where} answered ${res.status}`);
  const body: unknown = await res.json().catch(() => undefined);
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw new Error(`${where} did not answer a JSON object`);
  return body as Record<string, unknown>;
}
