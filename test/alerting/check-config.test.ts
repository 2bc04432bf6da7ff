import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../../src/cli.js";
import { loadConfig } from "../../src/config/index.js";
import { readNotifiers } from "../../src/alerting/index.js";
import { tempDir } from "../helpers/tmp.js";

function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  return runCli(args, { out: (t) => void (out += t), err: (t) => void (err += t) }).then((code) => ({ code, out, err }));
}

const RULE = `groups:
  - name: host
    rules:
      - alert: LoadHigh
        expr: servers.*.loadavg.01
        op: ">"
        threshold: 8
`;

function setup(ruleText: string, extraIni = ""): string {
  const dir = tempDir("loupe-cc-");
  mkdirSync(join(dir, "rules"));
  writeFileSync(join(dir, "rules", "host.yml"), ruleText);
  const ini = join(dir, "loupe.ini");
  writeFileSync(ini, `[paths]\ndata = ${dir}\n[alerting]\nrules_path = ${join(dir, "rules")}\n${extraIni}`);
  return ini;
}

test("check-config validates rule files: exit 0 and a summary when valid", async () => {
  const ini = setup(RULE, "[notifier.ops]\ntype = webhook\nurl = http://127.0.0.1:9000/hook\nbearer_token = hunter2\n");
  const r = await run(["check-config", "--config", ini]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /alerting: 1 rule\(s\) in 1 group\(s\) from 1 file\(s\)/);
  assert.match(r.out, /\[notifier\.ops\]\ntype = webhook/);
  assert.match(r.out, /bearer_token = \*\*\*/);
  assert.match(r.out, /url = http:\/\/127\.0\.0\.1:9000\/\*\*\*/, "webhook paths may hold a token");
  assert.doesNotMatch(r.out, /hunter2/);
});

test("check-config fails on a bad rule file, naming file, line, field and a suggestion", async () => {
  const ini = setup(RULE.replace("threshold: 8", "threshhold: 8"));
  const r = await run(["check-config", "--config", ini]);
  assert.equal(r.code, 1);
  assert.match(r.err, /host\.yml:7 groups\[0\]\.rules\[0\]\.threshhold: unknown field \(did you mean "threshold"\?\)/);
  assert.match(r.err, /host\.yml:4 groups\[0\]\.rules\[0\]\.threshold: required/);
});

const NOTIFIER_CASES: ReadonlyArray<[string, string, RegExp]> = [
  ["unknown key", "[notifier.ops]\ntype = webhook\nurl = http://x/\nurll = 1\n", /:4: \[notifier\.ops\] urll: unknown key \(did you mean "url"\?\)/],
  ["bad type", "[notifier.ops]\ntype = pager\n", /type.*expected one of webhook, slack, email, alertmanager/s],
  ["missing url", "[notifier.ops]\ntype = slack\n", /a slack notifier needs url/],
  ["email without recipients", "[notifier.mail]\ntype = email\n", /needs to \(recipients\)/],
  ["bad matcher", "[notifier.ops]\nurl = http://x/\nmatch = severity~critical\n", /not a label matcher/],
];
for (const [name, ini, re] of NOTIFIER_CASES) {
  test(`a bad [notifier.<name>] section is a config error: ${name}`, () => {
    const config = loadConfig({ text: ini, env: {} });
    assert.throws(() => readNotifiers(config), re);
  });
}

test("notifiers: several at once, matchers parsed, the example's placeholder section ignored", () => {
  const config = loadConfig({ text: "[notifier.<name>]\n[notifier.b]\nurl = http://h/\nmatch = severity=~crit.*, team!=db\n[notifier.a]\ntype = email\nto = ops@example.com\n", env: {} });
  const ns = readNotifiers(config);
  assert.deepEqual(ns.map((n) => n.name), ["a", "b"]);
  assert.deepEqual(ns[1]!.matchers, [{ name: "severity", op: "=~", value: "crit.*" }, { name: "team", op: "!=", value: "db" }]);
});
