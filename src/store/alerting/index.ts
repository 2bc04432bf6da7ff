/** SQLite implementations of alerting's persistence interfaces (src/alerting/ports.ts). */
export { SqliteAlertStateStore, HISTORY_LIST_LIMIT } from "./state-store.js";
export { SqliteRuleStore, SqliteSilenceStore } from "./rule-store.js";
