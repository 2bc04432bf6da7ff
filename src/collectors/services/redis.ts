/**
 * `redis`: INFO of one or more Redis servers, with Diamond's RedisCollector names under
 * `redis.<instance>.` where the instance is its nickname, else its port (Diamond's default):
 * `redis.6379.memory.internal_view`, `redis.6379.keyspace.hits`, `redis.6379.db0.keys`.
 * Like Diamond, totals (commands processed, keyspace hits …) are published as they are; the
 * Redis dashboard turns them into rates with perSecond().
 */
import { opt } from "../../config/index.js";
import { pathSegment } from "../publisher.js";
import { defineCollector } from "../types.js";
import { exchange, type RespTarget } from "./resp.js";
import { instancePoller } from "./instances.js";

/** Diamond's published name → INFO field (newer Redis names second). */
export const REDIS_KEYS: ReadonlyArray<readonly [string, ...string[]]> = [
  ["clients.blocked", "blocked_clients"],
  ["clients.connected", "connected_clients"],
  ["clients.longest_output_list", "client_longest_output_list", "client_recent_max_output_buffer"],
  ["cpu.parent.sys", "used_cpu_sys"],
  ["cpu.children.sys", "used_cpu_sys_children", "used_cpu_sys_childrens"],
  ["cpu.parent.user", "used_cpu_user"],
  ["cpu.children.user", "used_cpu_user_children", "used_cpu_user_childrens"],
  ["keys.evicted", "evicted_keys"],
  ["keys.expired", "expired_keys"],
  ["keyspace.hits", "keyspace_hits"],
  ["keyspace.misses", "keyspace_misses"],
  ["last_save.changes_since", "rdb_changes_since_last_save", "changes_since_last_save"],
  ["last_save.time", "rdb_last_save_time", "last_save_time"],
  ["memory.internal_view", "used_memory"],
  ["memory.external_view", "used_memory_rss"],
  ["memory.fragmentation_ratio", "mem_fragmentation_ratio"],
  ["process.commands_processed", "total_commands_processed"],
  ["process.connections_received", "total_connections_received"],
  ["process.uptime", "uptime_in_seconds"],
  ["pubsub.channels", "pubsub_channels"],
  ["pubsub.patterns", "pubsub_patterns"],
  ["slaves.connected", "connected_slaves"],
];

/** INFO text → field → value (strings; `db0:keys=1,expires=0,avg_ttl=0` kept as its raw text). */
export function parseInfo(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line === "" || line.startsWith("#")) continue;
    const i = line.indexOf(":");
    if (i > 0) out.set(line.slice(0, i), line.slice(i + 1));
  }
  return out;
}

/** Diamond's metrics of one INFO reply, names relative to the instance, at time `nowSeconds`. */
export function redisMetrics(info: ReadonlyMap<string, string>, nowSeconds: number, databases = 16): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, ...fields] of REDIS_KEYS) {
    const field = fields.find((f) => info.has(f));
    const v = field === undefined ? NaN : Number(info.get(field));
    if (Number.isFinite(v)) out.set(name, v);
  }
  for (let n = 0; n < databases; n++) {
    const raw = info.get(`db${n}`);
    if (raw === undefined) continue;
    for (const kv of raw.split(",")) {
      const [k, v] = kv.split("=");
      if (k !== undefined && v !== undefined && Number.isFinite(Number(v))) out.set(`db${n}.${k}`, Number(v));
    }
  }
  const last = out.get("last_save.time");
  if (last !== undefined) out.set("last_save.time_since", Math.floor(nowSeconds) - last);
  return out;
}

export interface RedisInstance extends RespTarget {
  readonly nickname: string;
}

/** Diamond's `instances` entries: `[nickname@]host[:port]` or `[nickname@]unix:/path/to.sock`. */
export function parseRedisInstance(entry: string): RedisInstance {
  const m = /^(?:([^@]+)@)?(?:unix:(\/\S+)|([^:\s@]+|\[[0-9a-fA-F:]+\])(?::(\d{1,5}))?)$/.exec(entry.trim());
  if (m === null) throw new Error(`redis instance ${JSON.stringify(entry)}: expected [nickname@]host[:port] or [nickname@]unix:/path`);
  if (m[2] !== undefined) return { nickname: m[1] ?? "socket", host: "", port: 0, socket: m[2] };
  const port = m[4] === undefined ? 6379 : Number(m[4]);
  if (port < 1 || port > 65535) throw new Error(`redis instance ${JSON.stringify(entry)}: port out of range`);
  return { nickname: m[1] ?? String(port), host: m[3]!.replace(/^\[|\]$/g, ""), port };
}

export const redisCollector = defineCollector({
  name: "redis",
  help: "Redis INFO (Diamond's RedisCollector paths: redis.<port or nickname>.memory.internal_view …)",
  enabledByDefault: false,
  options: {
    host: opt.string("localhost", "Redis host (used when instances is empty)"),
    port: opt.int(6379, "Redis port (used when instances is empty)", { min: 1, max: 65535 }),
    socket: opt.string("", "unix socket path instead of host/port (used when instances is empty)"),
    nickname: opt.string("", "instance name in the path; empty: the port (Diamond), or `socket`"),
    instances: opt.list("", "several servers, Diamond's format: [nickname@]host[:port] or [nickname@]unix:/path, comma-separated; overrides host/port"),
    password: opt.secret("AUTH password (requirepass), for every instance; empty: no AUTH"),
    username: opt.string("", "ACL user name for AUTH (Redis 6+); empty: the default user"),
    databases: opt.int(16, "db0 … dbN-1 keyspace lines to publish (Diamond's `databases`)", { min: 0, max: 1024 }),
  },
  create(options, env) {
    const instances: RedisInstance[] =
      options.instances.length > 0
        ? options.instances.map(parseRedisInstance)
        : [{ host: options.host, port: options.port, socket: options.socket, nickname: options.nickname !== "" ? options.nickname : options.socket !== "" ? "socket" : String(options.port) }];
    const commands: string[][] = [];
    if (options.password !== "") commands.push(options.username !== "" ? ["AUTH", options.username, options.password] : ["AUTH", options.password]);
    commands.push(["INFO"]);
    const poller = instancePoller(instances, (i) => i.nickname, env.log);
    return (ctx) =>
      poller.poll(async (inst) => {
        const replies = await exchange(inst, commands, ctx.signal);
        const info = parseInfo(replies[replies.length - 1]!);
        if (!info.has("redis_version")) throw new Error(`redis at ${inst.socket || `${inst.host}:${inst.port}`}: INFO reply has no redis_version`);
        for (const [k, v] of redisMetrics(info, ctx.now / 1000, options.databases)) ctx.gauge(`${pathSegment(inst.nickname)}.${k}`, v);
      });
  },
});
