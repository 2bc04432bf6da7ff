import type { ImportRun } from "./run.js";
export interface InfluxHttpOptions { readonly url: string; readonly db: string; readonly rp: string | undefined; readonly from: string | undefined; readonly until: string | undefined; readonly measurement: string | undefined; readonly window: string | undefined; readonly username: string | undefined; readonly password: string | undefined }
export async function importInfluxHttp(_run: ImportRun, _o: InfluxHttpOptions): Promise<void> {}
