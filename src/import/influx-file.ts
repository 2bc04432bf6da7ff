import type { ImportRun } from "./run.js";
export async function importInfluxFile(_run: ImportRun, _file: string): Promise<void> {}
