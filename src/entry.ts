/** Process entry point for the `loupe` binary. */
import { runCli } from "./cli.js";

const code = await runCli(process.argv.slice(2));
process.exitCode = code;
// Let pending stdout drain, then leave even if a stray handle is still open.
setTimeout(() => process.exit(code), 100).unref();
