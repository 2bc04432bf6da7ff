import { opt } from "../options.js";

export const serverSection = {
  mode: opt.enum(
    ["server", "agent"] as const,
    "server",
    "server = everything (store, dashboards, HTTP); agent = collectors and [forward.*] only: no database, no dashboards, no HTTP except agent_metrics_addr (`loupe agent` is the shortcut)",
  ),
  agent_metrics_addr: opt.addr("", 'agent mode: host:port serving only GET /metrics (Loupe\'s own metrics, forward queues); "" serves nothing'),
  http_addr: opt.string("127.0.0.1", "address the HTTP server listens on; without an auth provider only loopback is allowed"),
  http_port: opt.int(3000, "HTTP port for the dashboard and APIs (0 picks a free port)", { min: 0, max: 65535 }),
  trust_proxy: opt.list(
    "",
    "reverse proxies (addresses or CIDRs, comma separated) whose X-Forwarded-For is believed for the client address (login limits, logs); empty trusts none, so SSH-tunnel users are the socket address",
  ),
  root_url: opt.url("http://localhost:3000/", "public URL users reach Loupe at (OAuth callbacks derive from it)"),
} as const;

export const pathsSection = {
  data: opt.string("./data", "folder for the database and other state"),
  plugins: opt.string("./plugins", "folder scanned for collector plugins (*.js, *.mjs); a missing folder means none"),
} as const;

export const databaseSection = {
  path: opt.string("", "SQLite file; empty means <paths.data>/loupe.db"),
} as const;

export const logSection = {
  level: opt.enum(["error", "warn", "info", "debug"] as const, "info", "log level"),
  format: opt.enum(["text", "json"] as const, "text", "log format: text for a terminal, json for log shippers"),
} as const;
