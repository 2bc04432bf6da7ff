/** Import façade: `loupe import influx|whisper|diamond` (the old stack's history and config). */
export { importCommand } from "./command.js";
export { parseWhisperHeader, mergeArchives, readArchive } from "./whisper-format.js";
export type { WhisperHeader, WhisperArchive } from "./whisper-format.js";
