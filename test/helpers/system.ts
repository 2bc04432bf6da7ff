import { existsSync } from "node:fs";
import { createServer } from "node:net";

export const IN_CI = process.env["CI"] === "true" || process.env["CI"] === "1";

/**
 * For `test(name, { skip: needs("/usr/sbin/nginx") }, …)`: undefined when the program is there.
 * Outside CI a missing program skips the test with the reason; in CI it throws, so a missing system
 * dependency fails the run instead of hiding as a skip.
 */
export function needs(...paths: string[]): string | undefined {
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length === 0) return undefined;
  const msg = `missing ${missing.join(", ")} (installed by scripts/setup-test-deps.sh)`;
  if (IN_CI) throw new Error(`CI=true and ${msg}`);
  return msg;
}

/** A TCP port free on 127.0.0.1 right now, for a server a test starts itself. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}
