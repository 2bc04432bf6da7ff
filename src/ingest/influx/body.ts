/**
 * Reads a write body with a size bound, gunzipping `Content-Encoding: gzip` with the same bound on
 * the inflated size, so a small compressed body cannot expand without limit.
 */
import type { IncomingMessage } from "node:http";
import { gunzip } from "node:zlib";
import { BadRequestError, LoupeError } from "../../lib/errors.js";

export class BodyTooLargeError extends LoupeError {
  constructor(limit: number) {
    super("body_too_large", `body larger than ${limit} bytes ([ingest.influx] max_body_size)`, { status: 413 });
  }
}

/** The request body as sent, refused with `tooLarge()` as soon as it passes `limit` bytes (the rest is drained). */
export async function readLimited(req: IncomingMessage, limit: number, tooLarge: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const raw = await readLimited(req, limit, () => new BodyTooLargeError(limit));
  const enc = (req.headers["content-encoding"] ?? "").toString().trim().toLowerCase();
  if (enc === "" || enc === "identity") return raw;
  if (enc !== "gzip" && enc !== "x-gzip") throw new BadRequestError(`unsupported Content-Encoding "${enc}" (gzip or none)`, "unsupported_encoding");
  return await new Promise<Buffer>((resolve, reject) => {
    gunzip(raw, { maxOutputLength: limit }, (err, out) => {
      if (err === null) return resolve(out);
      if ((err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") return reject(new BodyTooLargeError(limit));
      reject(new BadRequestError(`body is not valid gzip: ${err.message}`, "bad_gzip"));
    });
  });
}
