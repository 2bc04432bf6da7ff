/**
 * The container of a backup: a POSIX ustar archive (readable with `tar tvf`), written and read
 * asynchronously so a backup taken inside the server does not block its event loop. Members larger
 * than 8 GiB carry their size in GNU base-256 form. The writer hashes every byte it writes
 * (SHA-256 of the whole file) and each member (for the manifest). Format: docs/format/backup.md.
 */
import { createHash, type Hash } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import { LoupeError } from "../lib/errors.js";

const BLOCK = 512;
const COPY_BYTES = 1024 * 1024;
const OCTAL_MAX = 8 ** 11; // 11 octal digits

function putString(buf: Buffer, off: number, len: number, s: string): void {
  const b = Buffer.from(s, "utf8");
  if (b.length > len) throw new LoupeError("backup_name_too_long", `archive member name too long: ${s}`);
  b.copy(buf, off);
}

function putOctal(buf: Buffer, off: number, len: number, n: number): void {
  buf.write(`${n.toString(8).padStart(len - 1, "0")}\0`, off, len, "ascii");
}

function putSize(buf: Buffer, off: number, size: number): void {
  if (size < OCTAL_MAX) return putOctal(buf, off, 12, size);
  // GNU base-256: high bit of the first byte set, big-endian binary in the rest
  buf.fill(0, off, off + 12);
  buf[off] = 0x80;
  let v = BigInt(size);
  for (let i = off + 11; i > off && v > 0n; i--) {
    buf[i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** One 512-byte ustar header for a regular file. */
export function tarHeader(name: string, size: number, mtimeMs: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  putString(h, 0, 100, name);
  putOctal(h, 100, 8, 0o644);
  putOctal(h, 108, 8, 0);
  putOctal(h, 116, 8, 0);
  putSize(h, 124, size);
  putOctal(h, 136, 12, Math.floor(mtimeMs / 1000));
  h.fill(0x20, 148, 156); // checksum field counts as spaces
  h.write("0", 156, "ascii");
  h.write("ustar\0", 257, "ascii");
  h.write("00", 263, "ascii");
  putString(h, 265, 32, "loupe");
  putString(h, 297, 32, "loupe");
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8, "ascii");
  return h;
}

function readSize(h: Buffer): number {
  if ((h[124]! & 0x80) !== 0) {
    let v = 0n;
    for (let i = 125; i < 136; i++) v = (v << 8n) | BigInt(h[i]!);
    return Number(v);
  }
  return parseInt(h.toString("ascii", 124, 136).replace(/\0.*$/s, "").trim() || "0", 8);
}

function checksumOk(h: Buffer): boolean {
  const stored = parseInt(h.toString("ascii", 148, 156).replace(/\0.*$/s, "").trim(), 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return stored === sum;
}

/** Writes an archive to an open file, hashing everything written. */
export class TarWriter {
  private readonly whole: Hash = createHash("sha256");
  private written = 0;

  constructor(private readonly fh: FileHandle) {}

  get bytes(): number {
    return this.written;
  }

  private async put(buf: Buffer): Promise<void> {
    let off = 0;
    while (off < buf.length) {
      const { bytesWritten } = await this.fh.write(buf, off, buf.length - off);
      off += bytesWritten;
    }
    this.whole.update(buf);
    this.written += buf.length;
  }

  private async pad(size: number): Promise<void> {
    const rest = (BLOCK - (size % BLOCK)) % BLOCK;
    if (rest > 0) await this.put(Buffer.alloc(rest));
  }

  /** Adds a member from memory; answers its SHA-256. */
  async addBuffer(name: string, data: Buffer, mtimeMs = Date.now()): Promise<string> {
    await this.put(tarHeader(name, data.length, mtimeMs));
    await this.put(data);
    await this.pad(data.length);
    return createHash("sha256").update(data).digest("hex");
  }

  /**
   * Adds a member of exactly `size` bytes read from `src` from offset 0 (a file that only grows
   * while it is copied, such as a WAL segment, gives its first `size` bytes); answers its SHA-256.
   */
  async addFile(name: string, src: FileHandle, size: number, onBytes?: (n: number) => void, mtimeMs = Date.now()): Promise<string> {
    await this.put(tarHeader(name, size, mtimeMs));
    const hash = createHash("sha256");
    const buf = Buffer.allocUnsafe(Math.min(COPY_BYTES, Math.max(size, 1)));
    let pos = 0;
    while (pos < size) {
      const { bytesRead } = await src.read(buf, 0, Math.min(buf.length, size - pos), pos);
      if (bytesRead === 0) throw new LoupeError("backup_source_shrank", `${name} shrank while it was copied (${pos} of ${size} bytes read)`);
      const chunk = buf.subarray(0, bytesRead);
      hash.update(chunk);
      await this.put(chunk);
      pos += bytesRead;
      onBytes?.(bytesRead);
    }
    await this.pad(size);
    return hash.digest("hex");
  }

  /** Writes the end-of-archive blocks; answers the SHA-256 of the whole file. */
  async finish(): Promise<string> {
    await this.put(Buffer.alloc(2 * BLOCK));
    return this.whole.digest("hex");
  }
}

export interface TarEntry {
  readonly name: string;
  readonly size: number;
}

/** Reads an archive member by member; `each` gets the member and a function reading its bytes in chunks. */
export async function readTar(
  fh: FileHandle,
  each: (entry: TarEntry, read: (sink: (chunk: Buffer) => Promise<void> | void) => Promise<void>) => Promise<void>,
): Promise<void> {
  const header = Buffer.alloc(BLOCK);
  let pos = 0;
  for (;;) {
    const { bytesRead } = await fh.read(header, 0, BLOCK, pos);
    if (bytesRead < BLOCK) throw new LoupeError("backup_truncated", `not a complete backup archive: it ends at byte ${pos + bytesRead} inside a header`);
    if (header.every((b) => b === 0)) return;
    if (!checksumOk(header)) throw new LoupeError("backup_corrupt", `not a Loupe backup archive, or damaged: bad header checksum at byte ${pos}`);
    const name = header.toString("utf8", 0, 100).replace(/\0.*$/s, "");
    const size = readSize(header);
    const type = header.toString("ascii", 156, 157);
    const start = pos + BLOCK;
    const read = async (sink: (chunk: Buffer) => Promise<void> | void): Promise<void> => {
      const buf = Buffer.allocUnsafe(Math.min(COPY_BYTES, Math.max(size, 1)));
      let at = 0;
      while (at < size) {
        const r = await fh.read(buf, 0, Math.min(buf.length, size - at), start + at);
        if (r.bytesRead === 0) throw new LoupeError("backup_truncated", `not a complete backup archive: ${name} ends after ${at} of ${size} bytes`);
        await sink(buf.subarray(0, r.bytesRead));
        at += r.bytesRead;
      }
    };
    if (type === "0" || type === "\0") await each({ name, size }, read);
    pos = start + Math.ceil(size / BLOCK) * BLOCK;
  }
}
