import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { PROJECT_ROOT } from "../../src/lib/package-info.js";
import { tempDir } from "../helpers/tmp.js";

const SCRIPT = join(PROJECT_ROOT, "scripts", "setup-test-deps.sh");

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) {
      if (n !== "node_modules" && n !== "fixtures") out.push(...filesUnder(p));
    } else if (/\.(sh|ts|mjs|js)$/.test(n)) out.push(p);
  }
  return out;
}

test("no script or test stops processes by name or through the init system", () => {
  // Written without the literal words so that this file does not match itself.
  const forbidden = [new RegExp("\\bp" + "kill\\b"), new RegExp("\\bkill" + "all\\b"), new RegExp("systemctl\\s+(stop|kill|restart)"), new RegExp("\\bservice\\s+\\S+\\s+(stop|restart)")];
  const offenders: string[] = [];
  for (const f of [...filesUnder(join(PROJECT_ROOT, "scripts")), ...filesUnder(join(PROJECT_ROOT, "test"))]) {
    const text = readFileSync(f, "utf8");
    for (const re of forbidden) if (re.test(text)) offenders.push(`${f}: ${re.source}`);
  }
  assert.deepEqual(offenders, []);
});

/** The script with its absolute paths moved under `root`, and fake `id` / `apt-get` on PATH. */
function sandbox(withPolicy: string | undefined): { root: string; run: () => ReturnType<typeof spawnSync>; policy: string; seen: string } {
  const root = tempDir("loupe-deps-");
  const bin = join(root, "bin");
  mkdirSync(join(root, "usr", "sbin"), { recursive: true });
  mkdirSync(join(root, "usr", "bin"), { recursive: true });
  mkdirSync(bin);
  const policy = join(root, "usr", "sbin", "policy-rc.d");
  if (withPolicy !== undefined) writeFileSync(policy, withPolicy, { mode: 0o755 });
  const seen = join(root, "policy-during-install");
  const script = readFileSync(SCRIPT, "utf8").replaceAll("=/usr/", `=${root}/usr/`).replace("policy=/usr/sbin/policy-rc.d", `policy=${policy}`);
  writeFileSync(join(root, "setup.sh"), script);
  writeFileSync(join(bin, "id"), "#!/bin/sh\necho 0\n");
  // apt-get install: records the policy in force, then "installs" every needed command.
  const needs = [...script.matchAll(/\]=(\S+)/g)].map((m) => m[1]!);
  writeFileSync(
    join(bin, "apt-get"),
    `#!/bin/sh\n[ "$1" = update ] && exit 0\ncat ${policy} > ${seen} 2>/dev/null || echo none > ${seen}\n${needs.map((n) => `mkdir -p ${dirname(n)}; printf '#!/bin/sh\\n' > ${n}; chmod +x ${n}`).join("\n")}\n`,
  );
  chmodSync(join(bin, "id"), 0o755);
  chmodSync(join(bin, "apt-get"), 0o755);
  const run = () => spawnSync("bash", [join(root, "setup.sh")], { env: { ...process.env, PATH: `${bin}:${process.env["PATH"] ?? ""}` }, encoding: "utf8" });
  return { root, run, policy, seen };
}

test("setup-test-deps installs under a policy-rc.d forbidding service starts, and removes only the policy it wrote", () => {
  const s = sandbox(undefined);
  const r = s.run();
  assert.equal(r.status, 0, String(r.stderr));
  assert.match(readFileSync(s.seen, "utf8"), /exit 101/, "installs ran under a deny-all policy");
  assert.equal(existsSync(s.policy), false, "the policy it wrote is removed");
});

test("setup-test-deps leaves an existing policy-rc.d untouched", () => {
  const mine = "#!/bin/sh\n# the host's own policy\nexit 0\n";
  const s = sandbox(mine);
  const r = s.run();
  assert.equal(r.status, 0, String(r.stderr));
  assert.equal(readFileSync(s.seen, "utf8"), mine);
  assert.equal(readFileSync(s.policy, "utf8"), mine, "kept as it was");
  assert.match(String(r.stderr), /keeping the existing/);
});
