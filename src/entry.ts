/** Process entry point for the `loupe` binary. */
import { setFlagsFromString } from "node:v8";

// `loupe agent`: V8 set for a small footprint before any module is compiled: lite mode (no optimizing
// compiler, feedback allocated lazily) and a 1 MiB young generation. An agent runs a few ms of
// collection per interval, so speed is not what it needs (BENCHMARKS.md, "Forwarding and agent mode").
if (process.argv[2] === "agent") for (const flag of ["--lite-mode", "--max-semi-space-size=1"]) setFlagsFromString(flag);

const { runCli } = await import("./cli.js");
const code = await runCli(process.argv.slice(2));
process.exitCode = code;
// Let pending stdout drain, then leave even if a stray handle is still open.
setTimeout(() => process.exit(code), 100).unref();
