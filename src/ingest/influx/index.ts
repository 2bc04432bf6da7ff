export { parseLineProtocol, parseOneLine, parsePrecision, SeriesKeyCache } from "./parser.js";
export type { Precision, LineError, LineProtocolResult } from "./parser.js";
export { readBody } from "./body.js";
export { Rejections, DEFAULT_NAME_LIMITS } from "../limits.js";
export type { NameLimits, RejectReason } from "../limits.js";
