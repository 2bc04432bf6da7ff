import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadRuleDir, parseRuleFile, formatRuleProblem } from "../../src/alerting/index.js";
import { tempDir } from "../helpers/tmp.js";

const LIMITS = { defaultInterval: 60_000, minInterval: 10_000 };

const GOOD = `groups:
  - name: host
    interval: 10s
    rules:
      - alert: RootDiskAlmostFull
        expr: servers.*.diskspace.root.byte_percentfree
        reduce: last          # last | avg | min | max | sum | count | delta
        window: 5m
        op: "<"
        threshold: 5
        for: 2m
        labels: { severity: critical }
        annotations: { summary: "{{ $labels.host }}: {{ $value }} % free on /" }
`;

test("the issue's rule file loads with its defaults filled in", () => {
  const { groups, problems } = parseRuleFile(GOOD, "host.yml", LIMITS);
  assert.deepEqual(problems, []);
  assert.equal(groups.length, 1);
  const g = groups[0]!;
  assert.equal(g.name, "host");
  assert.equal(g.interval, 10_000);
  const r = g.rules[0]!;
  assert.equal(r.uid, "host/RootDiskAlmostFull");
  assert.deepEqual(
    { reduce: r.reduce, window: r.window, op: r.op, threshold: r.threshold, for: r.for, keep: r.keep_firing_for, no_data: r.no_data, error: r.error },
    { reduce: "last", window: 300_000, op: "<", threshold: 5, for: 120_000, keep: 0, no_data: "no_data", error: "error" },
  );
  assert.deepEqual(r.labels, { severity: "critical" });
  assert.deepEqual(r.source, { kind: "file", file: "host.yml", line: 5 });
});

const BAD_CASES: ReadonlyArray<{ name: string; text: string; line: number; field: string; message: RegExp }> = [
  { name: "misspelt field", text: GOOD.replace("threshold: 5", "treshold: 5"), line: 10, field: "groups[0].rules[0].treshold", message: /unknown field \(did you mean "threshold"\?\)/ },
  { name: "bad reducer", text: GOOD.replace("reduce: last ", "reduce: avrg "), line: 7, field: "groups[0].rules[0].reduce", message: /did you mean "avg"/ },
  { name: "bad op", text: GOOD.replace('op: "<"', 'op: "=<"'), line: 9, field: "groups[0].rules[0].op", message: /expected one of > >= < <= == !=/ },
  { name: "bad duration", text: GOOD.replace("for: 2m", "for: 120"), line: 11, field: "groups[0].rules[0].for", message: /expected a duration/ },
  { name: "bad target", text: GOOD.replace("expr: servers", "expr: sumSerie(servers") + "", line: 6, field: "groups[0].rules[0].expr", message: /./ },
  { name: "unknown template variable", text: GOOD.replace("{{ $value }}", "{{ $valeu }}"), line: 13, field: "groups[0].rules[0].annotations.summary", message: /unknown template variable/ },
  { name: "interval too short", text: GOOD.replace("interval: 10s", "interval: 1s"), line: 3, field: "groups[0].interval", message: /at least 10s/ },
  { name: "missing threshold", text: GOOD.replace("        threshold: 5\n", ""), line: 5, field: "groups[0].rules[0].threshold", message: /required/ },
  { name: "misspelt group key", text: GOOD.replace("    rules:", "    rulez:"), line: 2, field: "groups[0].rules", message: /expected a list of rules/ },
  { name: "YAML syntax", text: "groups:\n  - name: x\n   rules: [\n", line: 3, field: "", message: /./ },
];

for (const c of BAD_CASES) {
  test(`a bad rule file is reported with file, line and field: ${c.name}`, () => {
    const { groups, problems } = parseRuleFile(c.text, "host.yml", LIMITS);
    assert.deepEqual(groups, [], "a file with a problem contributes no rule");
    assert.ok(problems.length >= 1, "a problem is reported");
    const p = problems.find((x) => (x.field ?? "") === c.field) ?? problems[0]!;
    assert.equal(p.file, "host.yml");
    if (c.field !== "") assert.equal(p.field, c.field, formatRuleProblem(p));
    assert.equal(p.line, c.line, formatRuleProblem(p));
    assert.match(p.message, c.message);
  });
}

test("a folder: files load independently, a duplicate group is refused, duplicate alert names get unique uids", () => {
  const dir = tempDir("loupe-rules-");
  mkdirSync(join(dir, "sub"));
  writeFileSync(join(dir, "a.yml"), GOOD);
  writeFileSync(join(dir, "sub", "b.yaml"), GOOD.replace("name: host", "name: other") + GOOD.split("\n").slice(4).join("\n").replace(/^/, ""));
  writeFileSync(join(dir, "c.yml"), GOOD); // group "host" again
  writeFileSync(join(dir, "broken.yml"), "groups: 3\n");
  writeFileSync(join(dir, "notes.txt"), "ignored");
  const r = loadRuleDir(dir, LIMITS);
  assert.deepEqual(r.groups.map((g) => g.name), ["host", "other"]);
  assert.deepEqual(r.groups[1]!.rules.map((x) => x.uid), ["other/RootDiskAlmostFull", "other/RootDiskAlmostFull~2"]);
  assert.ok(r.problems.some((p) => p.file.endsWith("c.yml") && /already defined/.test(p.message)), JSON.stringify(r.problems));
  assert.ok(r.problems.some((p) => p.file.endsWith("broken.yml") && p.field === "groups" && p.line === 1), JSON.stringify(r.problems));
});

test("a missing rules folder is one problem naming [alerting] rules_path", () => {
  const r = loadRuleDir("/nonexistent/loupe-rules", LIMITS);
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0]!.message, /rules_path/);
});
