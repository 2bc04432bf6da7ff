// scripts/install.sh into a fake root (DESTDIR): files, modes, the unit (accepted by
// `systemd-analyze verify`), the installed app actually running, idempotence, --uninstall [--purge].
// And a minimal lint of the Dockerfile (docker cannot run here).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { appendFileSync, existsSync, lstatSync, readFileSync, readlinkSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.js";
import { PROJECT_ROOT } from "../../src/lib/package-info.js";
import { needs } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";

const dir = tempDir("loupe-install-");
const root = join(dir, "root");
const SCRIPT = join(PROJECT_ROOT, "scripts", "install.sh");
// build when dist/ is missing (the script's own check); reuse a built dist/ so the test does not rebuild
const BUILD = existsSync(join(PROJECT_ROOT, "dist", "entry.js")) ? ["--no-build"] : [];

function install(...args: string[]): string {
  return execFileSync("bash", [SCRIPT, ...args], { env: { ...process.env, DESTDIR: root }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

const mode = (p: string): number => statSync(join(root, p)).mode & 0o777;
const NODE = execFileSync("bash", ["-c", "readlink -f \"$(command -v node)\""], { encoding: "utf8" }).trim();

test("install.sh lays out config, data dir, app and a hardened unit in DESTDIR, and lists what it would do as root", { timeout: 300_000 }, () => {
  const out = install(...BUILD);
  assert.match(out, /wrote \/etc\/loupe\/loupe\.ini/);

  // config: the example with the data dir set, not world-readable, and it loads
  assert.equal(mode("etc/loupe/loupe.ini"), 0o640);
  const ini = readFileSync(join(root, "etc/loupe/loupe.ini"), "utf8");
  assert.match(ini, /\[paths\]\n(;.*\n)*data = \/var\/lib\/loupe\n/);
  const c = loadConfig({ configPath: join(root, "etc/loupe/loupe.ini"), env: {} });
  assert.equal(c.paths.data, "/var/lib/loupe");
  assert.equal(c.database.path, "/var/lib/loupe/loupe.db");

  assert.ok(statSync(join(root, "var/lib/loupe")).isDirectory());
  assert.equal(mode("var/lib/loupe"), 0o750);

  // the app: the built tree and production dependencies only
  for (const f of ["bin/loupe.js", "dist/entry.js", "migrations/0001_init.sql", "package.json", "node_modules/better-sqlite3/package.json", "node_modules/express/package.json"])
    assert.ok(existsSync(join(root, "opt/loupe", f)), f);
  for (const dev of ["typescript", "playwright-core", "tsx", "@stryker-mutator"]) assert.equal(existsSync(join(root, "opt/loupe/node_modules", dev)), false, `${dev} is a dev dependency`);
  assert.ok(lstatSync(join(root, "usr/local/bin/loupe")).isSymbolicLink());
  assert.equal(readlinkSync(join(root, "usr/local/bin/loupe")), "/opt/loupe/bin/loupe.js");

  // the unit
  assert.equal(mode("etc/systemd/system/loupe.service"), 0o644);
  const unit = readFileSync(join(root, "etc/systemd/system/loupe.service"), "utf8");
  assert.match(unit, new RegExp(`^ExecStart=${NODE.replace(/[/.]/g, "\\$&")} /opt/loupe/bin/loupe\\.js run --config /etc/loupe/loupe\\.ini$`, "m"));
  for (const line of ["User=loupe", "ProtectSystem=strict", "ProtectHome=read-only", "NoNewPrivileges=yes", "PrivateTmp=yes", "PrivateDevices=yes", "ReadWritePaths=/var/lib/loupe", "Restart=on-failure", "StandardOutput=journal", "StandardError=journal", "WantedBy=multi-user.target"])
    assert.match(unit, new RegExp(`^${line.replace(/[/.]/g, "\\$&")}$`, "m"), line);

  // what root would have done beyond files
  const actions = readFileSync(join(root, ".loupe-install-actions"), "utf8").trim().split("\n");
  assert.deepEqual(actions, [
    "useradd --system --user-group --home-dir /var/lib/loupe --no-create-home --shell /usr/sbin/nologin loupe",
    "chown root:loupe /etc/loupe/loupe.ini",
    "chown loupe:loupe /var/lib/loupe",
    "systemctl daemon-reload",
    "systemctl enable --now loupe.service",
  ]);
});

test("systemd-analyze verify accepts the installed unit (and does complain about a broken one)", { skip: needs("/usr/bin/systemd-analyze") }, () => {
  const unitPath = join(root, "etc/systemd/system/loupe.service");
  if (!existsSync(unitPath)) install(...BUILD);
  const ours = (r: ReturnType<typeof spawnSync>): string[] => `${String(r.stdout)}${String(r.stderr)}`.split("\n").filter((l) => l.includes("loupe.service") || l.includes(dir));
  const ok = spawnSync("systemd-analyze", ["verify", unitPath], { encoding: "utf8" });
  assert.equal(ok.status, 0, `${ok.stdout}${ok.stderr}`);
  assert.deepEqual(ours(ok), []);
  // the check is not a no-op: a unit with a bad value is reported
  const broken = join(dir, "broken", "loupe.service");
  execFileSync("mkdir", ["-p", join(dir, "broken")]);
  writeFileSync(broken, readFileSync(unitPath, "utf8").replace("ProtectSystem=strict", "ProtectSystem=stricter"));
  const bad = spawnSync("systemd-analyze", ["verify", broken], { encoding: "utf8" });
  assert.ok(ours(bad).some((l) => /ProtectSystem|protect system/i.test(l)), `${bad.stdout}${bad.stderr}`);
});

test("the installed app runs from the fake root: loupe version, and loupe run serves /healthz", { timeout: 60_000 }, async () => {
  if (!existsSync(join(root, "opt/loupe/bin/loupe.js"))) install(...BUILD);
  const bin = join(root, "opt/loupe/bin/loupe.js");
  assert.match(execFileSync(process.execPath, [bin, "version"], { encoding: "utf8" }), /^loupe \d+\.\d+\.\d+ \(/);
  const cfg = join(dir, "run.ini");
  writeFileSync(cfg, `[server]\nhttp_port = 0\n[paths]\ndata = ${join(dir, "run-data")}\n[ingest.graphite]\nenabled = false\n`);
  const child = spawn(process.execPath, [bin, "run", "--config", cfg], { cwd: "/", stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stderr.on("data", (b: Buffer) => {
        err += b.toString();
        const m = /http listening .*port=(\d+)/.exec(err);
        if (m) resolve(Number(m[1]));
      });
      child.on("exit", (code) => reject(new Error(`exited ${code}: ${err}`)));
    });
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(res.status, 200);
    assert.match(err, new RegExp(`data=${join(dir, "run-data").replace(/[/.]/g, "\\$&")}`));
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.on("exit", r)));
  }
});

test("install.sh is idempotent: a second run keeps the config and replaces the app", { timeout: 300_000 }, () => {
  if (!existsSync(join(root, "etc/loupe/loupe.ini"))) install(...BUILD);
  appendFileSync(join(root, "etc/loupe/loupe.ini"), "\n; edited by the operator\n");
  writeFileSync(join(root, "opt/loupe/stale-file"), "from an older install");
  const out = install(...BUILD);
  assert.match(out, /kept the existing \/etc\/loupe\/loupe\.ini/);
  assert.match(readFileSync(join(root, "etc/loupe/loupe.ini"), "utf8"), /edited by the operator/);
  assert.equal(existsSync(join(root, "opt/loupe/stale-file")), false);
  assert.equal(existsSync(join(root, "opt/loupe.new")) || existsSync(join(root, "opt/loupe.old")), false);
  assert.equal(readFileSync(join(root, ".loupe-install-actions"), "utf8").split("\n").filter((l) => l.startsWith("useradd")).length, 1);
});

test("--uninstall keeps config and data; --uninstall --purge removes them", { timeout: 300_000 }, () => {
  if (!existsSync(join(root, "opt/loupe"))) install(...BUILD);
  writeFileSync(join(root, "var/lib/loupe/loupe.db"), "data");
  assert.match(install("--uninstall"), /kept \/etc\/loupe \(configuration\) and \/var\/lib\/loupe \(data\)/);
  for (const gone of ["opt/loupe", "etc/systemd/system/loupe.service", "usr/local/bin/loupe"]) assert.equal(existsSync(join(root, gone)), false, gone);
  assert.equal(readFileSync(join(root, "var/lib/loupe/loupe.db"), "utf8"), "data");
  assert.ok(existsSync(join(root, "etc/loupe/loupe.ini")));
  install("--uninstall", "--purge");
  assert.equal(existsSync(join(root, "var/lib/loupe")), false);
  assert.equal(existsSync(join(root, "etc/loupe")), false);
  assert.throws(() => install("--purge"), /--purge goes with --uninstall/);
});

test("without DESTDIR, install.sh refuses to run as a normal user and changes nothing", { skip: process.getuid?.() !== 0 ? "needs root to run it as another user" : undefined }, () => {
  const r = spawnSync("runuser", ["-u", "nobody", "--", "bash", SCRIPT, "--no-start"], { encoding: "utf8", env: { ...process.env, DESTDIR: "" } });
  assert.equal(r.status, 1, `${r.stdout}${r.stderr}`);
  assert.match(r.stderr, /run as root: sudo .*install\.sh --no-start/);
});

test("Dockerfile: Debian slim node 20, non-root, data volume, port, healthcheck on /healthz; every COPY source exists and is not ignored", () => {
  const df = readFileSync(join(PROJECT_ROOT, "Dockerfile"), "utf8");
  const froms = [...df.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]!);
  assert.ok(froms.length > 0 && froms.every((f) => /^node:20-(bookworm|bullseye|trixie)-slim$/.test(f)), froms.join(","));
  const final = df.slice(df.lastIndexOf("\nFROM "));
  assert.match(final, /^USER loupe$/m);
  assert.ok(final.indexOf("USER loupe") < final.indexOf("ENTRYPOINT"), "USER before ENTRYPOINT");
  assert.match(final, /^VOLUME \/var\/lib\/loupe$/m);
  assert.match(final, /^EXPOSE 3000$/m);
  assert.match(final, /^HEALTHCHECK .*\\\n.*\/healthz/m);
  const ignored = readFileSync(join(PROJECT_ROOT, ".dockerignore"), "utf8").split("\n").filter((l) => l !== "" && !l.startsWith("#"));
  for (const m of df.matchAll(/^COPY (?!--from)(.+)$/gm)) {
    const parts = m[1]!.trim().split(/\s+/);
    for (const src of parts.slice(0, -1)) {
      assert.ok(existsSync(join(PROJECT_ROOT, src)), `COPY source ${src} is missing`);
      assert.ok(!ignored.includes(src) && !ignored.includes(src.split("/")[0]!), `COPY source ${src} is excluded by .dockerignore`);
    }
  }
  // the image's config is valid and safe to bind 0.0.0.0 (a login provider is on)
  const c = loadConfig({ configPath: join(PROJECT_ROOT, "deploy", "docker.ini"), env: {} });
  assert.equal(c.paths.data, "/var/lib/loupe");
  assert.equal(c.server.http_addr, "0.0.0.0");
  assert.equal(c["auth.basic"].enabled, true);
});
