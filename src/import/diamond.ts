import type { CliIo } from "../cli-support.js";
export async function diamondCommand(_args: string[], _io: CliIo): Promise<number> { return 1; }
