// npm run oracle:compare — Loupe from source on the dataset, every request replayed and compared
// with the goldens; prints agreement per class and overall.
//   --differences   also list every differing request with the first difference
//   --json FILE     write every verdict to FILE
//   --write-baseline  store today's agreement as the test's ratchet (test/fixtures/graphite-oracle/baseline.json)
import { writeFileSync } from "node:fs";
import { compareAnswers, formatSummary, summarize, type Verdict } from "./compare.js";
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
try {
  for (const req of requests) {
    const want = goldens.answers[req.id];
    if (!want) throw new Error(`no golden for ${req.id}: run npm run oracle:record`);
    const { status, text } = await replay(loupe.baseUrl, req);
    verdicts.push(compareAnswers(req, want, normalize(req, status, text)));
  }
} finally {
  await loupe.stop();
}
const summary = summarize(verdicts);
if (args.includes("--differences")) {
  for (const v of verdicts.filter((x) => !x.ok)) {
    const req = requests.find((r) => r.id === v.id)!;
    const q = req.params.map(([k, x]) => `${k}=${x}`).join("&");
    process.stdout.write(`${v.id}  ${req.method} ${req.path}?${q}\n    ${v.why}\n`);
  }
}
const jsonAt = args.indexOf("--json");
if (jsonAt >= 0 && args[jsonAt + 1]) writeFileSync(args[jsonAt + 1]!, JSON.stringify(verdicts, null, 1) + "\n");
if (args.includes("--write-baseline")) {
  writeBaseline({ agreed: summary.agreed, total: summary.total, percent: summary.percent, measuredAt: new Date().toISOString() });
  log(`baseline written: ${summary.agreed} / ${summary.total}`);
}
process.stdout.write(formatSummary(summary) + "\n");
