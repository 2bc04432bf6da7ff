export { BitReader, BitWriter, bitWidth } from "./bits.js";
export { readInts, writeInts, INT_LIMIT } from "./ints.js";
export { readValues, writeValues, type ValueCoding } from "./values.js";
export { readXor, writeXor } from "./xor.js";
export { encodeChunk, encodeChunkView, decodeChunk, decodeChunkInto, encodeBlock, decodeRaw, FORMAT_BLOCK, chunkLength, DecimalXorChunk, FORMAT_RAW, type Chunk, type Appender, type ChunkIterator, type DecodedChunk } from "./chunk.js";
