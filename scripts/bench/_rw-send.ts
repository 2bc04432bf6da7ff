// The remote_write bench's HTTP client, as its own process (so Loupe's CPU figures are Loupe's alone):
//   node --import tsx scripts/bench/_rw-send.ts URL SERIES PER REQUESTS FIRST_REQUEST
// Builds every body first, prints "start", posts them with 2 in flight, prints "done <samples>".
import { encodeLabels, encodeWriteRequestEncoded } from "../../src/lib/remote-write/encode.js";
import { compress } from "../../src/lib/remote-write/snappy.js";
import { benchLabels, benchRequest } from "./_rw-workload.js";

const [url, seriesArg, perArg, requestsArg, firstArg] = process.argv.slice(2);
const w = { series: Number(seriesArg), per: Number(perArg) };
const encoded = Array.from({ length: w.series }, (_, i) => encodeLabels(benchLabels(i)));
const first = Number(firstArg);
const bodies = Array.from({ length: Number(requestsArg) }, (_, r) => compress(encodeWriteRequestEncoded(benchRequest(w, encoded, first + r))));
const headers = { "Content-Encoding": "snappy", "Content-Type": "application/x-protobuf", "X-Prometheus-Remote-Write-Version": "0.1.0" };
console.log("start");
let next = 0;
const worker = async (): Promise<void> => {
  while (next < bodies.length) {
    const res = await fetch(url!, { method: "POST", headers, body: bodies[next++]! });
    if (res.status !== 204) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  }
};
await Promise.all([worker(), worker()]);
console.log(`done ${bodies.length * w.series * w.per}`);
