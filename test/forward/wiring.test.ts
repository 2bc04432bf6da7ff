/** main.ts's tee sink: Graphite ingest, Influx /write and the collectors reach the store and every forwarder. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.js";
import { createLogger } from "../../src/lib/logger.js";
import { startLoupe } from "../../src/main.js";
import { startCarbon, whisperFetch, CARBON_BIN, WHISPER_FETCH_BIN } from "../helpers/carbon.js";
import { needs } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";
import { renderPoints, until } from "./helpers.js";

test("server mode: what Graphite and Influx /write receive is stored and forwarded (into carbon)", { skip: needs(CARBON_BIN, WHISPER_FETCH_BIN), timeout: 120_000 }, async () => {
  const carbon = await startCarbon();
  const dir = tempDir("loupe-fwd-wiring-");
  const text = ["[server]", "http_port = 0", "[paths]", `data = ${join(dir, "data")}`, "[ingest.graphite]", "tcp_addr = 127.0.0.1:0", "udp_addr =", "[alerting]", "enabled = false", "[forward.carbon]", "type = graphite", `addr = 127.0.0.1:${carbon.linePort}`, "include = wire.*.*", "batch_max_wait = 100ms"].join("\n");
  const logs: string[] = [];
  const loupe = await startLoupe(loadConfig({ text, env: {} }), createLogger({ level: "info", sink: { write: (l) => void logs.push(l) } }));
  try {
    const port = Number(/graphite tcp listening .*port=(\d+)/.exec(logs.join(""))![1]);
    const now = Math.floor(Date.now() / 1000) - 60;
    await new Promise<void>((resolve, reject) => {
      const s = connect(port, "127.0.0.1", () => s.end(`wire.graphite.a 42 ${now}\nnot.forwarded.x 1 ${now}\n`));
      s.on("error", reject);
      s.on("close", () => resolve());
    });
    const w = await fetch(`http://127.0.0.1:${loupe.httpPort}/write?db=x&precision=s`, { method: "POST", body: `wire.influx v=7 ${now}\n` });
    assert.equal(w.status, 204);
    for (const [path, value] of [["wire.graphite.a", 42], ["wire.influx.v", 7]] as const) {
      const got = await until(`${path} in carbon`, async () => {
        const g = await whisperFetch(carbon, path, now - 5, now + 5);
        return g.length > 0 ? g : undefined;
      }, 60_000, 500);
      assert.deepEqual(got, [[now, value]], `${path} forwarded`);
      const stored = await renderPoints(loupe.httpPort, path, now - 60, now + 60);
      assert.deepEqual(stored.get(path)?.map(([v]) => v), [value], `${path} stored too (render aligns it to its step)`);
    }
    assert.deepEqual(await whisperFetch(carbon, "not.forwarded.x", now - 5, now + 5), [], "include filters what is forwarded");
    assert.equal(loupe.forwarders.status()[0]!.sent, 2);
  } finally {
    await loupe.stop();
    await carbon.stop();
  }
});
