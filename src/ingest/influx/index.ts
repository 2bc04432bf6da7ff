export { parseLineProtocol, parseOneLine, parsePrecision } from "./parser.js";
export type { Precision, LineError, LineProtocolResult } from "./parser.js";
export { readBody } from "./body.js";
