/**
 * Real MariaDB, PostgreSQL 15 and Redis from Debian, each started by the test on 127.0.0.1 with its
 * own temp data dir and port and stopped by the PID started here (never by name). PostgreSQL refuses
 * to run as root: initdb and postgres run as the `postgres` user (node's spawn uid/gid) in a folder
 * chowned to it.
 */
import { execFile } from "node:child_process";
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { connect } from "node:net";
import { startPeer, type PeerSpec, type RunningPeer } from "../helpers/servers.js";
import { freePort } from "../helpers/system.js";

const run = promisify(execFile);

/**
 * A temp folder removed by the server's stop() (helpers/tmp's tempDir registers an `after` hook,
 * which inside a file-level `before` ends with the first test, taking the data dirs with it).
 */
function serverDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export const MARIADBD = "/usr/sbin/mariadbd";
export const MARIADB_INSTALL_DB = "/usr/bin/mariadb-install-db";
export const PG_BIN = "/usr/lib/postgresql/15/bin";
export const REDIS_SERVER = "/usr/bin/redis-server";

export interface Server {
  readonly pid: number;
  readonly port: number;
  readonly dir: string;
  log(): string;
  stop(): Promise<void>;
}

interface SpawnSpec extends PeerSpec {
  readonly port: number;
}

/** startPeer, plus the port, and the data dir removed when it stops or fails to start. */
async function startServer(spec: SpawnSpec): Promise<Server> {
  const clean = (): void => rmSync(spec.dir, { recursive: true, force: true });
  let peer: RunningPeer;
  try {
    peer = await startPeer(spec);
  } catch (err) {
    clean();
    throw err;
  }
  return { pid: peer.pid, port: spec.port, dir: spec.dir, log: () => peer.log(), stop: async () => (await peer.stop(), clean()) };
}

/** Resolves true once something accepts a TCP connection on 127.0.0.1:port. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

export const MYSQL_USER = "loupe";
export const MYSQL_PASSWORD = "s3cret-mysql";

/** MariaDB with a user loupe/s3cret-mysql (PROCESS, REPLICATION CLIENT) created by --init-file. */
export async function startMariadb(): Promise<Server & { socket: string }> {
  const dir = serverDir("loupe-mariadb-");
  const port = await freePort();
  await run(MARIADB_INSTALL_DB, [`--datadir=${dir}/data`, "--auth-root-authentication-method=normal", "--user=root", "--skip-test-db", "--skip-name-resolve"]);
  writeFileSync(
    join(dir, "init.sql"),
    `CREATE USER IF NOT EXISTS '${MYSQL_USER}'@'%' IDENTIFIED BY '${MYSQL_PASSWORD}';\nGRANT PROCESS, REPLICATION CLIENT ON *.* TO '${MYSQL_USER}'@'%';\nCREATE DATABASE IF NOT EXISTS loupetest;\nGRANT ALL ON loupetest.* TO '${MYSQL_USER}'@'%';\n`,
  );
  const socket = join(dir, "mysqld.sock");
  const server = await startServer({
    name: "mariadbd",
    cmd: MARIADBD,
    args: ["--no-defaults", `--datadir=${dir}/data`, `--socket=${socket}`, `--port=${port}`, "--bind-address=127.0.0.1", "--user=root", `--init-file=${dir}/init.sql`, "--skip-name-resolve", `--pid-file=${dir}/mariadbd.pid`, "--innodb-buffer-pool-size=16M", "--skip-log-bin"],
    dir,
    port,
    ready: () => accepts(port),
  });
  return { ...server, socket };
}

export const PG_PASSWORD = "s3cret-pg";

/** PostgreSQL 15 as the `postgres` user, scram-sha-256 with postgres/s3cret-pg, socket in its dir. */
export async function startPostgres(): Promise<Server> {
  const dir = serverDir("loupe-pg-");
  const port = await freePort();
  const { uid, gid } = postgresUser();
  chownSync(dir, uid, gid);
  writeFileSync(join(dir, "pw"), `${PG_PASSWORD}\n`);
  chownSync(join(dir, "pw"), uid, gid);
  mkdirSync(join(dir, "data"));
  chownSync(join(dir, "data"), uid, gid);
  await run(join(PG_BIN, "initdb"), ["-D", join(dir, "data"), "-A", "scram-sha-256", "-U", "postgres", `--pwfile=${join(dir, "pw")}`, "-N"], { uid, gid });
  return startServer({
    name: "postgres",
    cmd: join(PG_BIN, "postgres"),
    args: ["-D", join(dir, "data"), "-k", dir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "shared_buffers=16MB"],
    dir,
    port,
    uid,
    gid,
    ready: () => accepts(port),
  });
}

function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith("postgres:"));
  if (line === undefined) throw new Error("no postgres user in /etc/passwd (installed with the postgresql package)");
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

export const REDIS_PASSWORD = "s3cret-redis";

/** redis-server on a free port, no persistence, optional requirepass. */
export async function startRedis(password?: string): Promise<Server> {
  const dir = serverDir("loupe-redis-");
  const port = await freePort();
  return startServer({
    name: "redis-server",
    cmd: REDIS_SERVER,
    args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, ...(password !== undefined ? ["--requirepass", password] : [])],
    dir,
    port,
    ready: () => accepts(port),
  });
}

/** Root runs these tests here; the postgres steps need it (spawn with another uid). */
export const IS_ROOT = userInfo().uid === 0;
