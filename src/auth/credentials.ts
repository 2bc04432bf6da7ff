/**
 * API token credentials in the forms clients send them:
 *   Authorization: Bearer <token>      (Grafana, curl, Loupe's docs)
 *   Authorization: Token <token>       (InfluxDB 2 clients, Telegraf's outputs.influxdb_v2)
 *   Authorization: Basic base64(user:<token>)   (collectd write_http, Telegraf outputs.influxdb, Grafana's datasource basic auth)
 *   ?u=<anything>&p=<token>            (InfluxDB 1.x query-string auth)
 */
import type { Request } from "express";

export interface Credential {
  readonly token: string;
  readonly form: "bearer" | "token" | "basic" | "query";
}

export function credentialOf(req: Request): Credential | undefined {
  const h = req.headers.authorization;
  if (typeof h === "string" && h !== "") {
    const m = /^(\w+)\s+(.+)$/.exec(h.trim());
    if (m !== null) {
      const scheme = m[1]!.toLowerCase();
      const value = m[2]!.trim();
      if (scheme === "bearer") return { token: value, form: "bearer" };
      if (scheme === "token") return { token: value, form: "token" };
      if (scheme === "basic") {
        const decoded = Buffer.from(value, "base64").toString("utf8");
        const i = decoded.indexOf(":");
        return { token: i >= 0 ? decoded.slice(i + 1) : decoded, form: "basic" };
      }
    }
    return { token: "", form: "bearer" };
  }
  const q = req.query as Record<string, unknown>;
  if (typeof q["u"] === "string" && typeof q["p"] === "string") return { token: q["p"], form: "query" };
  return undefined;
}
