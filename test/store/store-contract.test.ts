/** The TimeSeriesStore contract on both backends: the local SQLite store and VictoriaMetrics (started here). */
import { test } from "node:test";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.js";
import { systemClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import { MetricsRegistry } from "../../src/lib/metrics.js";
import { startStoreWriter } from "../../src/forward/index.js";
import { migrate, openDatabase, openStore } from "../../src/store/index.js";
import { startVictoriaMetrics, VM_BIN } from "../helpers/servers.js";
import { needs } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";
import { until } from "../forward/helpers.js";
import { storeContract } from "./store-contract.js";
import { vmStoreSection, withCleanup } from "./vm-helpers.js";

test("contract: local store", async (t) => {
  await storeContract(t, async () => {
    const dir = tempDir("loupe-contract-");
    const config = loadConfig({ text: `[paths]\ndata = ${dir}\n`, env: {} });
    const db = openDatabase(join(dir, "loupe.db"));
    migrate(db);
    const store = await openStore(db, { store: config.store, retention: { ...config.retention, raw: 0 }, walPath: join(dir, "loupe.db.wal"), log: silentLogger, tuning: { timers: false } });
    return { store, settle: async () => undefined, close: async () => {
        await store.close();
        db.close();
      },
    };
  });
});

test("contract: VictoriaMetrics store", { skip: needs(VM_BIN), timeout: 60_000 }, (t) => withCleanup(async (defer) => {
  const vm = await startVictoriaMetrics();
  defer(() => vm.stop());
  await storeContract(t, async () => {
    const dir = tempDir("loupe-contract-vm-");
    const config = loadConfig({ text: `[paths]\ndata = ${dir}\n${vmStoreSection(vm.url).join("\n")}\n`, env: {} });
    const db = openDatabase(join(dir, "loupe.db"));
    migrate(db);
    const metrics = new MetricsRegistry();
    const writer = startStoreWriter({ config, log: silentLogger, clock: systemClock, metrics }, {});
    const store = await openStore(db, { store: config.store, retention: config.retention, walPath: join(dir, "loupe.db.wal"), log: silentLogger, metrics, remoteWriter: writer, tuning: { timers: false } });
    const settle = async (): Promise<void> => {
      await until("queue sent", () => writer.status()[0]!.queuedPoints === 0 || undefined, 20_000, 50);
      const n = async (): Promise<number> => (await (await fetch(`${vm.url}/api/v1/export?match[]={__name__=~".%2B"}`)).text()).split("\n").filter((l) => l !== "").length;
      await until("series readable", async () => (await n()) === 5 || undefined, 20_000, 200);
    };
    return { store, settle, close: async () => {
        await store.close();
        await writer.stop();
        db.close();
      },
    };
  });
}));
