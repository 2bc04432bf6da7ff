/**
 * Bit streams, least significant bit first. Values are up to 53 bits (any safe non-negative integer);
 * the writer and reader move whole pieces of up to 24 bits at once through a 32-bit accumulator,
 * never bit by bit.
 */

const TWO24 = 16777216;

export class BitWriter {
  private buf: Uint8Array;
  private pos = 0;
  private acc = 0;
  private nacc = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + extra + 16));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Appends whole bytes (the bit position must be byte aligned). */
  writeByte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b & 255;
  }

  /** Appends whole bytes (byte aligned). */
  writeBytes(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Unsigned LEB128 of a safe non-negative integer (byte aligned). */
  writeUvarint(v: number): void {
    this.ensure(8);
    while (v >= 128) {
      this.buf[this.pos++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  /** Zigzag + LEB128 of a safe integer with |v| < 2^52. */
  writeVarint(v: number): void {
    this.writeUvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  /** Appends the low `w` bits (w ≤ 24) of v. */
  private put(v: number, w: number): void {
    this.acc = (this.acc | (v << this.nacc)) >>> 0;
    this.nacc += w;
    while (this.nacc >= 8) {
      this.buf[this.pos++] = this.acc & 255;
      this.acc >>>= 8;
      this.nacc -= 8;
    }
  }

  /** Appends v (0 ≤ v < 2^w, w ≤ 53) in w bits. */
  writeBits(v: number, w: number): void {
    this.ensure(8);
    while (w > 24) {
      const lo = v % TWO24;
      this.put(lo, 24);
      v = (v - lo) / TWO24;
      w -= 24;
    }
    if (w > 0) this.put(v, w);
  }

  /** Pads to the next byte boundary with zero bits. */
  align(): void {
    if (this.nacc > 0) {
      this.ensure(1);
      this.buf[this.pos++] = this.acc & 255;
      this.acc = 0;
      this.nacc = 0;
    }
  }

  /** Byte position (call after align()): a mark to rewind to. */
  mark(): number {
    return this.pos;
  }

  /** Drops everything written after `mark` (aligned positions only). */
  rewind(mark: number): void {
    this.pos = mark;
    this.acc = 0;
    this.nacc = 0;
  }

  /** A view of the bytes written so far (aligned), valid until the writer is used again. */
  view(): Uint8Array {
    this.align();
    return this.buf.subarray(0, this.pos);
  }

  /** The bytes written so far (aligned). */
  finish(): Uint8Array {
    this.align();
    return this.buf.slice(0, this.pos);
  }

  get bitLength(): number {
    return this.pos * 8 + this.nacc;
  }
}

export class BitReader {
  pos: number;
  private acc = 0;
  private nacc = 0;

  constructor(
    private readonly buf: Uint8Array,
    offset = 0,
  ) {
    this.pos = offset;
  }

  /** The bytes read (for decoders that read words at bit offsets themselves). */
  get buffer(): Uint8Array {
    return this.buf;
  }

  readByte(): number {
    const b = this.buf[this.pos++];
    if (b === undefined) throw new RangeError("chunk truncated");
    return b;
  }

  readUvarint(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = this.readByte();
      v += (b & 127) * mul;
      if (b < 128) return v;
      mul *= 128;
      if (mul > 2 ** 56) throw new RangeError("varint too long");
    }
  }

  readVarint(): number {
    const z = this.readUvarint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  private take(w: number): number {
    while (this.nacc < w) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw new RangeError("chunk truncated");
      this.acc = (this.acc | (b << this.nacc)) >>> 0;
      this.nacc += 8;
    }
    const v = w === 32 ? this.acc : this.acc & ((1 << w) - 1);
    this.acc = w === 32 ? 0 : this.acc >>> w;
    this.nacc -= w;
    return v >>> 0;
  }

  readBits(w: number): number {
    if (w <= 24) return w === 0 ? 0 : this.take(w);
    let v = 0;
    let mul = 1;
    while (w > 24) {
      v += this.take(24) * mul;
      mul *= TWO24;
      w -= 24;
    }
    return v + this.take(w) * mul;
  }

  /** Drops the partial byte, continuing at the next byte boundary. */
  align(): void {
    this.acc = 0;
    this.nacc = 0;
  }
}

/** Number of bits needed for a non-negative safe integer (0 → 0). */
export function bitWidth(v: number): number {
  if (v < 4294967296) return 32 - Math.clz32(v);
  return 32 + bitWidth(Math.floor(v / 4294967296));
}
