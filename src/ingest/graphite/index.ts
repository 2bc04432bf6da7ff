export { parseGraphite, parseLine, MS_THRESHOLD, PathInterner } from "./parser.js";
export type { GraphiteRowHandler } from "./parser.js";
export { GraphiteStream, MAX_LINE } from "./stream.js";
export { TemplateMapper, parseTemplate, groupTemplateItems } from "./templates.js";
export type { GraphiteTemplate, MappedPath } from "./templates.js";
export { GraphiteIngest } from "./handler.js";
export type { GraphiteIngestOptions, GraphiteCounts } from "./handler.js";
export { startGraphiteListeners, makeAllow, allowList, isLoopbackHost } from "./listener.js";
export type { GraphiteListeners, GraphiteListenerOptions, ListenAddr } from "./listener.js";
