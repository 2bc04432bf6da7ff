export { parseLineProtocol, parseOneLine, parsePrecision, SeriesKeyCache } from "./parser.js";
export type { Precision, LineError, LineProtocolResult } from "./parser.js";
export { readBody } from "./body.js";
