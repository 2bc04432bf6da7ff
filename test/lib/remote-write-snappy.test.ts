import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { SnappyError, compress, maxCompressedLength, uncompress, uncompressedLength } from "../../src/lib/remote-write/snappy.js";
import { seededRandom } from "../helpers/rng.js";

test("property: uncompress(compress(x)) is x, within maxCompressedLength", () => {
  const input = fc.oneof(
    fc.uint8Array({ maxLength: 3000 }),
    // repetitive input: long matches, overlapping copies
    fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 9000 })).map(([unit, n]) => new Uint8Array(Array.from({ length: n }, (_, i) => unit[i % unit.length]!))),
  );
  fc.assert(
    fc.property(input, (x) => {
      const c = compress(x);
      assert.ok(c.length <= maxCompressedLength(x.length));
      assert.equal(uncompressedLength(c), x.length);
      assert.deepEqual(new Uint8Array(uncompress(c, x.length)), x);
    }),
    { numRuns: 400, seed: 15 },
  );
});

test("inputs over 64 KiB (several fragments) round-trip and compress text well", () => {
  const text = Buffer.from(Array.from({ length: 20_000 }, (_, i) => `node_cpu_seconds_total{cpu="${i % 8}",mode="user"} ${i}\n`).join(""));
  const c = compress(text);
  assert.ok(c.length < text.length / 3, `${c.length} of ${text.length}`);
  assert.deepEqual(uncompress(c, text.length), text);
});

test("decodes the forms a reference encoder writes: long literals, 1-, 2- and 4-byte-offset copies, overlapping copies", () => {
  // header 0x14 = 20 bytes; literal "abcd" (tag 3<<2); copy1 len 8 offset 4 (overlap); copy2 len 4 offset 4; copy4 len 4 offset 8
  const block = Buffer.from([20, 3 << 2, 0x61, 0x62, 0x63, 0x64, 1 | (4 << 2), 4, 2 | (3 << 2), 4, 0, 3 | (3 << 2), 8, 0, 0, 0]);
  assert.equal(uncompress(block, 100).toString(), "abcdabcdabcdabcdabcd");
  // literal with a 2-byte length (61): 300 bytes
  const lit = Buffer.alloc(300, 0x41);
  const long = Buffer.concat([Buffer.from([0xac, 0x02, 61 << 2, 299 & 0xff, 299 >> 8]), lit]);
  assert.deepEqual(uncompress(long, 300), lit);
});

const bad: [string, number[], RegExp][] = [
  ["empty", [], /bad length header/],
  ["announced too large", [0xff, 0xff, 0xff, 0xff, 0x0f], /more than 1000/],
  ["literal past the input", [5, 4 << 2, 0x61], /past the end of the input/],
  ["literal past the announced length", [1, 1 << 2, 0x61, 0x62], /past the announced length/],
  ["copy before the start", [8, 0, 0x61, 1 | (0 << 2), 2], /offset outside/],
  ["offset zero", [8, 0, 0x61, 2 | (3 << 2), 0, 0], /offset outside/],
  ["copy past the announced length", [3, 0, 0x61, 1 | (0 << 2), 1], /past the announced length/],
  ["short of the announced length", [4, 0, 0x61], /holds 1 bytes, announced 4/],
  ["truncated copy", [4, 0, 0x61, 3], /truncated/],
];
for (const [what, bytes, re] of bad) {
  test(`a bad block is a SnappyError: ${what}`, () => {
    assert.throws(() => uncompress(Buffer.from(bytes), 1000), (e: unknown) => e instanceof SnappyError && re.test(e.message));
  });
}

test("the size bound is checked before allocating, and says so", () => {
  const c = compress(Buffer.alloc(10_000));
  assert.throws(() => uncompress(c, 9_999), (e: unknown) => e instanceof SnappyError && e.tooLarge);
});

test("fuzz: random and mutated blocks give the data or a SnappyError, never another error", () => {
  const rnd = seededRandom(7);
  const valid = compress(Buffer.from("remote_write remote_write remote_write 1234567890 ".repeat(40)));
  for (let i = 0; i < 5000; i++) {
    const b = i % 2 === 0 ? Buffer.from(valid) : Buffer.from(Array.from({ length: Math.floor(rnd() * 80) }, () => Math.floor(rnd() * 256)));
    if (i % 2 === 0) for (let f = 0; f < 3; f++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
    try {
      uncompress(b, 1 << 20);
    } catch (e) {
      assert.ok(e instanceof SnappyError, `case ${i}: ${String(e)}`);
    }
  }
});
