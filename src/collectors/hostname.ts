/**
 * The host segment of metric paths: `[collectors] hostname`, else derived by `hostname_method`
 * with Diamond's choices (smart, fqdn_short, fqdn, fqdn_rev, uname_short, uname_rev, hostname,
 * hostname_short, hostname_rev).
 */
import { hostname as osHostname } from "node:os";
import { lookup, lookupService } from "node:dns/promises";

export type HostnameMethod = "smart" | "fqdn_short" | "fqdn" | "fqdn_rev" | "uname_short" | "uname_rev" | "hostname" | "hostname_short" | "hostname_rev";

export interface HostnameSource {
  /** gethostname(2) (also uname's nodename on Linux). */
  hostname(): string;
  /** Fully qualified name, like Python's socket.getfqdn(): the host name when no better one is found. */
  fqdn(): Promise<string>;
}

async function lookupFqdn(name: string, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(name), timeoutMs);
  });
  const resolveName = (async (): Promise<string> => {
    try {
      const { address } = await lookup(name);
      const { hostname } = await lookupService(address, 0);
      return hostname.includes(".") ? hostname : name;
    } catch {
      return name;
    }
  })();
  try {
    return await Promise.race([resolveName, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const systemHostnameSource: HostnameSource = {
  hostname: () => osHostname(),
  fqdn: () => lookupFqdn(osHostname(), 2000),
};

const short = (n: string): string => n.split(".")[0] ?? n;
const rev = (n: string): string => n.split(".").reverse().join(".");

export async function deriveHostname(method: HostnameMethod, source: HostnameSource = systemHostnameSource): Promise<string> {
  switch (method) {
    case "smart": {
      const h = short(await source.fqdn());
      return h !== "localhost" && h !== "" ? h : short(source.hostname());
    }
    case "fqdn_short":
      return short(await source.fqdn());
    case "fqdn":
      return (await source.fqdn()).replace(/\./g, "_");
    case "fqdn_rev":
      return rev(await source.fqdn());
    case "uname_short":
    case "hostname_short":
      return short(source.hostname());
    case "uname_rev":
    case "hostname_rev":
      return rev(source.hostname());
    case "hostname":
      return source.hostname();
  }
}
