import { test } from "node:test";
import assert from "node:assert/strict";
import { TemplateMapper, groupTemplateItems, parseTemplate } from "../../src/ingest/graphite/index.js";

const cases: Array<[string, string[], string[], string, { name: string; tags?: Record<string, string> }]> = [
  ["no templates: path unchanged", [], [], "a.b.c", { name: "a.b.c" }],
  ["default tags only", [], ["dc=eu"], "a.b", { name: "a.b", tags: { dc: "eu" } }],
  ["measurement* with host tag", ["servers.* .host.measurement*"], [], "servers.web1.cpu.total.user", { name: "cpu.total.user", tags: { host: "web1" } }],
  ["measurement and field", ["measurement.host.field"], [], "cpu.web1.idle", { name: "cpu.idle", tags: { host: "web1" } }],
  ["field*", ["measurement.host.field*"], [], "cpu.web1.a.b", { name: "cpu.a.b", tags: { host: "web1" } }],
  ["separator joins parts", ["measurement.measurement.host"], [], "disk.sda.web1", { name: "disk_sda", tags: { host: "web1" } }],
  ["extra tags on template", ["stats.* .host.measurement* region=us,zone=a"], [], "stats.h1.load", { name: "load", tags: { host: "h1", region: "us", zone: "a" } }],
  ["most specific filter wins", ["*.* .measurement*", "servers.web* .host.measurement*"], [], "servers.web2.mem", { name: "mem", tags: { host: "web2" } }],
  ["non-matching filter falls back to default", ["servers.* .host.measurement*", "measurement*"], [], "apps.x.y", { name: "apps.x.y" }],
  ["no template matches: path unchanged", ["servers.* .host.measurement*"], [], "apps.x.y", { name: "apps.x.y" }],
  ["graphite tags in path", [], [], "m.x;host=a;dc=b", { name: "m.x", tags: { dc: "b", host: "a" } }],
  ["skipped part", ["..measurement"], [], "a.b.c", { name: "c" }],
  ["README example", ["servers.* .host.measurement* dc=eu", "measurement*"], [], "servers.web1.cpu.total.user", { name: "cpu.total.user", tags: { dc: "eu", host: "web1" } }],
  ["README example, other path", ["servers.* .host.measurement* dc=eu", "measurement*"], [], "apps.api.requests", { name: "apps.api.requests" }],
];

for (const [title, templates, tags, path, want] of cases) {
  test(`template: ${title}`, () => {
    const sep = title.startsWith("separator") ? "_" : ".";
    const m = TemplateMapper.fromConfig(templates, tags, sep);
    const got = m.map(path);
    assert.deepEqual({ name: got.name, ...(got.tags !== undefined ? { tags: { ...got.tags } } : {}) }, want);
    assert.equal(m.map(path), got, "cached");
  });
}

test("template tags written with commas in the INI list are joined back", () => {
  assert.deepEqual(groupTemplateItems(["a.* .host.measurement* region=us", "zone=a", "measurement*"]), ["a.* .host.measurement* region=us,zone=a", "measurement*"]);
});

test("bad templates are config errors", () => {
  assert.throws(() => parseTemplate("a b c d"), /expected/);
  assert.throws(() => parseTemplate("measurement*.field*"), /cannot be used together/);
  assert.throws(() => parseTemplate("x measurement k"), /not k=v/);
});
