// npm run oracle:record — starts Debian's carbon-cache + graphite-web on the dataset, replays every
// request (with now=NOW, the dataset's frozen clock) and writes graphite-web's normalized answers
// to test/fixtures/graphite-oracle/goldens.json with the freshness hash.
import { spawnSync } from "node:child_process";
import { NOW } from "./dataset.js";
import { freshnessHash, writeGoldens } from "./goldens.js";
import { startGraphiteOracle } from "./graphite.js";
import { loadRequests, normalize, replay, type Answer } from "./requests.js";

function debVersion(pkg: string): string {
  const r = spawnSync("dpkg-query", ["-W", "-f=${Version}", pkg], { encoding: "utf8" });
  return r.status === 0 ? r.stdout : "unknown";
}

const log = (m: string): void => void process.stderr.write(`oracle:record: ${m}\n`);
const requests = loadRequests();
const oracle = await startGraphiteOracle(log);
const stopOnSignal = (): void => void oracle.stop().then(() => process.exit(1));
process.once("SIGINT", stopOnSignal);
process.once("SIGTERM", stopOnSignal);
try {
  const answers: Record<string, Answer> = {};
  const statuses = new Map<number, number>();
  for (const req of requests) {
    const { status, text } = await replay(oracle.baseUrl, req, [["now", String(NOW)]]);
    answers[req.id] = normalize(req, status, text);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
  writeGoldens({
    meta: {
      hash: freshnessHash(),
      recordedAt: new Date().toISOString(),
      graphiteWeb: debVersion("graphite-web"),
      carbon: debVersion("graphite-carbon"),
      requests: requests.length,
    },
    answers,
  });
  log(`recorded ${requests.length} answers (statuses ${JSON.stringify(Object.fromEntries(statuses))})`);
} finally {
  await oracle.stop();
}
