/**
 * A real OpenLDAP (Debian's slapd) for the LDAP tests: its own slapd.conf, mdb database and TLS
 * certificates (a CA made here with openssl) in a temp dir, listening on 127.0.0.1:PORT, loaded
 * with slapadd, stopped by the PID this file started.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { startPeer, type RunningPeer } from "../helpers/servers.js";
import { freePort } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";
import { after } from "node:test";
import type { Client } from "./harness.js";

export const SLAPD = "/usr/sbin/slapd";
export const SLAPADD = "/usr/sbin/slapadd";
export const OPENSSL = "/usr/bin/openssl";
export const BASE = "dc=example,dc=org";
export const ROOT_DN = `cn=admin,${BASE}`;
export const ROOT_PW = "root-bind-secret";

export interface Slapd extends RunningPeer {
  readonly port: number;
  /** PEM of the CA that signed slapd's certificate. */
  readonly caFile: string;
}

export interface LdapUser {
  readonly uid: string;
  readonly password: string;
  readonly cn: string;
  readonly mail: string;
}

/** A CA and a certificate for 127.0.0.1 signed by it (PEM files in `dir`). */
export function makeCerts(dir: string): { ca: string; cert: string; key: string } {
  const f = (n: string): string => join(dir, n);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  execFileSync(OPENSSL, ["req", "-x509", ...ec, "-keyout", f("ca.key"), "-out", f("ca.pem"), "-days", "2", "-subj", "/CN=Loupe Test CA"], { stdio: "ignore" });
  execFileSync(OPENSSL, ["req", ...ec, "-keyout", f("server.key"), "-out", f("server.csr"), "-subj", "/CN=127.0.0.1"], { stdio: "ignore" });
  writeFileSync(f("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  execFileSync(OPENSSL, ["x509", "-req", "-in", f("server.csr"), "-CA", f("ca.pem"), "-CAkey", f("ca.key"), "-CAcreateserial", "-out", f("server.pem"), "-days", "2", "-extfile", f("ext.cnf")], { stdio: "ignore" });
  return { ca: f("ca.pem"), cert: f("server.pem"), key: f("server.key") };
}

function ldif(users: readonly LdapUser[], groups: Readonly<Record<string, readonly string[]>>): string {
  const out = [`dn: ${BASE}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example`, `dn: ou=people,${BASE}\nobjectClass: organizationalUnit\nou: people`, `dn: ou=groups,${BASE}\nobjectClass: organizationalUnit\nou: groups`];
  for (const u of users) {
    out.push(`dn: uid=${u.uid},ou=people,${BASE}\nobjectClass: inetOrgPerson\nuid: ${u.uid}\ncn: ${u.cn}\nsn: ${u.cn.split(" ").at(-1)}\nmail: ${u.mail}\nuserPassword: ${u.password}`);
  }
  for (const [cn, members] of Object.entries(groups)) {
    out.push(`dn: cn=${cn},ou=groups,${BASE}\nobjectClass: groupOfNames\ncn: ${cn}\n${members.map((m) => `member: uid=${m},ou=people,${BASE}`).join("\n")}`);
  }
  return out.join("\n\n") + "\n";
}

export async function startSlapd(users: readonly LdapUser[], groups: Readonly<Record<string, readonly string[]>>): Promise<Slapd> {
  const dir = tempDir("loupe-slapd-");
  const db = join(dir, "db");
  mkdirSync(db);
  const tls = makeCerts(dir);
  const conf = join(dir, "slapd.conf");
  writeFileSync(
    conf,
    [
      ...["core", "cosine", "inetorgperson", "nis"].map((s) => `include /etc/ldap/schema/${s}.schema`),
      `pidfile ${join(dir, "slapd.pid")}`,
      `argsfile ${join(dir, "slapd.args")}`,
      "modulepath /usr/lib/ldap",
      "moduleload back_mdb",
      `TLSCACertificateFile ${tls.ca}`,
      `TLSCertificateFile ${tls.cert}`,
      `TLSCertificateKeyFile ${tls.key}`,
      "database mdb",
      "maxsize 10485760",
      `suffix "${BASE}"`,
      `rootdn "${ROOT_DN}"`,
      `rootpw ${ROOT_PW}`,
      `directory ${db}`,
      "access to attrs=userPassword by self read by anonymous auth by * none",
      "access to * by * read",
      "",
    ].join("\n"),
  );
  writeFileSync(join(dir, "data.ldif"), ldif(users, groups));
  execFileSync(SLAPADD, ["-f", conf, "-l", join(dir, "data.ldif")], { stdio: "pipe" });
  const port = await freePort();
  const peer = await startPeer({
    name: "slapd",
    cmd: SLAPD,
    args: ["-f", conf, "-h", `ldap://127.0.0.1:${port}/`, "-d", "0"],
    dir,
    ready: () =>
      new Promise<boolean>((resolve) => {
        const s = connect(port, "127.0.0.1", () => (s.destroy(), resolve(true)));
        s.on("error", () => resolve(false));
      }),
    readyTimeoutMs: 15_000,
  });
  after(() => peer.stop());
  return { ...peer, port, caFile: tls.ca };
}

export function ldapIni(slapd: Slapd, extra: Record<string, string> = {}): string {
  const keys: Record<string, string> = {
    enabled: "true",
    host: "127.0.0.1",
    port: String(slapd.port),
    bind_dn: ROOT_DN,
    bind_password: ROOT_PW,
    search_filter: "(uid=%s)",
    search_base_dns: `ou=people,${BASE}`,
    group_search_filter: "(&(objectClass=groupOfNames)(member=%s))",
    group_search_base_dns: `ou=groups,${BASE}`,
    admin_group_dn: `cn=admins,ou=groups,${BASE}`,
    editor_group_dn: `cn=editors,ou=groups,${BASE}`,
    viewer_group_dn: `cn=viewers,ou=groups,${BASE}`,
    ...extra,
  };
  return ["[auth.ldap]", ...Object.entries(keys).map(([k, v]) => `${k} = ${v}`)].join("\n");
}

export async function formLogin(c: Client, login: string, password: string): Promise<Response> {
  const csrf = await c.csrf("/login");
  return c.send("POST", "/login", new URLSearchParams({ _csrf: csrf, login, password }), { "content-type": "application/x-www-form-urlencoded" });
}

