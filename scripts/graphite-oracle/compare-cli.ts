// npm run oracle:compare — Loupe from source on the dataset, every request replayed and compared
// with the goldens; prints agreement per class and overall.
//   --differences   also list every differing request with the first difference and its kind
//   --kinds         count the differences by kind (window, step, values, status ...) per class
//   --json FILE     write every verdict to FILE
//   --write-baseline  store today's agreement as the test's ratchet (test/fixtures/graphite-oracle/baseline.json)
import { writeFileSync } from "node:fs";
import { compareAnswers, diagnose, formatSummary, summarize, type Verdict } from "./compare.js";
import { readGoldens, writeBaseline } from "./goldens.js";
import { startLoupeOracle } from "./loupe.js";
import { loadRequests, normalize, replay } from "./requests.js";

const args = process.argv.slice(2);
const log = (m: string): void => void process.stderr.write(`oracle:compare: ${m}\n`);
const goldens = readGoldens();
const requests = loadRequests();
const loupe = await startLoupeOracle(log);
const stopOnSignal = (): void => void loupe.stop().then(() => process.exit(1));
process.once("SIGINT", stopOnSignal);
process.once("SIGTERM", stopOnSignal);
const verdicts: Verdict[] = [];
const kinds = new Map<string, string>();
try {
  for (const req of requests) {
    const want = goldens.answers[req.id];
    if (!want) throw new Error(`no golden for ${req.id}: run npm run oracle:record`);
    const { status, text } = await replay(loupe.baseUrl, req);
    const got = normalize(req, status, text);
    const verdict = compareAnswers(req, want, got);
    verdicts.push(verdict);
    if (!verdict.ok) kinds.set(req.id, diagnose(want, got));
  }
} finally {
  await loupe.stop();
}
const summary = summarize(verdicts);
if (args.includes("--differences")) {
  for (const v of verdicts.filter((x) => !x.ok)) {
    const req = requests.find((r) => r.id === v.id)!;
    const q = req.params.map(([k, x]) => `${k}=${x}`).join("&");
    process.stdout.write(`${v.id}  ${req.method} ${req.path}?${q}\n    [${kinds.get(v.id)}] ${v.why}\n`);
  }
}
if (args.includes("--kinds")) {
  const table = new Map<string, Map<string, number>>();
  for (const v of verdicts.filter((x) => !x.ok)) {
    const row = table.get(v.class) ?? new Map<string, number>();
    const k = kinds.get(v.id) ?? "?";
    row.set(k, (row.get(k) ?? 0) + 1);
    table.set(v.class, row);
  }
  process.stdout.write("differences by kind:\n");
  for (const [c, row] of table) process.stdout.write(`  ${c.padEnd(16)} ${[...row].map(([k, n]) => `${k}: ${n}`).join(", ")}\n`);
}
const jsonAt = args.indexOf("--json");
if (jsonAt >= 0 && args[jsonAt + 1]) writeFileSync(args[jsonAt + 1]!, JSON.stringify(verdicts, null, 1) + "\n");
if (args.includes("--write-baseline")) {
  writeBaseline({ agreed: summary.agreed, total: summary.total, percent: summary.percent, measuredAt: new Date().toISOString() });
  log(`baseline written: ${summary.agreed} / ${summary.total}`);
}
process.stdout.write(formatSummary(summary) + "\n");
