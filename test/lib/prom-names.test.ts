import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { PromNamer, labelsToSeries, sanitizeLabelName, sanitizeName, type PromNameOptions } from "../../src/lib/prom-names.js";

const prom: PromNameOptions = { metricNames: "prometheus", pathPrefix: "servers", templates: [], separator: "." };

const outCases: [string, Partial<PromNameOptions>, string, Record<string, string> | undefined, [string, string][]][] = [
  ["Diamond path → metric + host", {}, "servers.web1.cpu.total.user", undefined, [["__name__", "cpu_total_user"], ["host", "web1"]]],
  ["Diamond path with odd characters", {}, "servers.web-1.diskspace.root.byte-percent free", undefined, [["__name__", "diskspace_root_byte_percent_free"], ["host", "web-1"]]],
  ["a dotted prefix", { pathPrefix: "dc1.servers" }, "dc1.servers.h.load.01", undefined, [["__name__", "load_01"], ["host", "h"]]],
  ["prefix and host only: not a Diamond metric", {}, "servers.web1", undefined, [["__name__", "servers_web1"]]],
  ["other paths: whole path sanitized", {}, "loupe.ingest.graphite.lines", undefined, [["__name__", "loupe_ingest_graphite_lines"]]],
  ["leading digit", {}, "5xx.count", undefined, [["__name__", "_5xx_count"]]],
  ["colons are valid in metric names", {}, "job:rate5m", undefined, [["__name__", "job:rate5m"]]],
  ["unicode", {}, "température.été", undefined, [["__name__", "temp_rature__t_"]]],
  ["tags → labels, sorted, names sanitized, empty values left out", {}, "m.x", { "z.z": "1", a: "2", "9b": "3", "__meta": "4", e: "", "k:v": "5" }, [["__name__", "m_x"], ["_9b", "3"], ["a", "2"], ["k_v", "5"], ["tag__meta", "4"], ["z_z", "1"]]],
  ["the sample's tags win over the path's host", {}, "servers.web1.cpu", { host: "other" }, [["__name__", "cpu"], ["host", "other"]]],
  ["a __name__ tag cannot replace the name", {}, "m", { __name__: "x" }, [["__name__", "m"], ["tag__name__", "x"]]],
  ["templates instead of the Diamond rule", { templates: ["servers.* .host.measurement* dc=eu", "measurement*"] }, "servers.web1.cpu.total.user", undefined, [["__name__", "cpu_total_user"], ["dc", "eu"], ["host", "web1"]]],
  ["templates: no filter matches", { templates: ["servers.* .host.measurement*"] }, "apps.api.requests", undefined, [["__name__", "apps_api_requests"]]],
  ["graphite names: kept exactly", { metricNames: "graphite" }, "servers.web1.cpu.total.user", { "odd key": "v;1" }, [["__name__", "servers.web1.cpu.total.user"], ["odd key", "v;1"]]],
];
for (const [what, opt, name, tags, want] of outCases) {
  test(`out: ${what}`, () => {
    assert.deepEqual(new PromNamer({ ...prom, ...opt }).labels(name, tags), want);
  });
}

test("sanitized names always match Prometheus' name and label regexes", () => {
  fc.assert(
    fc.property(fc.string({ unit: "grapheme", maxLength: 30 }), (s) => {
      assert.match(sanitizeName(s), /^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      const l = sanitizeLabelName(s);
      assert.match(l, /^[a-zA-Z_][a-zA-Z0-9_]*$/);
      assert.ok(!l.startsWith("__"));
    }),
    { seed: 16, numRuns: 500 },
  );
});

const inCases: [string, [string, string][], { name: string; tags: Record<string, string> | undefined; escaped: boolean } | undefined][] = [
  ["__name__ → name, labels → tags", [["__name__", "up"], ["instance", "localhost:9090"], ["job", "prometheus"]], { name: "up", tags: { instance: "localhost:9090", job: "prometheus" }, escaped: false }],
  ["dotted names (metric_names = graphite) come back as they went", [["__name__", "servers.web1.cpu.total.user"]], { name: "servers.web1.cpu.total.user", tags: undefined, escaped: false }],
  ["empty values are absent labels", [["__name__", "m"], ["a", ""]], { name: "m", tags: undefined, escaped: false }],
  ["what a series key cannot hold is escaped", [["__name__", "m;x y"], ["k;=!^", "v;w"], ["t", "~re"]], { name: "m_x_y", tags: { "k____": "v_w", t: "_re" }, escaped: true }],
  ["a __proto__ label is a tag like any other", [["__name__", "m"], ["__proto__", "x"]], { name: "m", tags: JSON.parse('{"__proto__":"x"}') as Record<string, string>, escaped: false }],
  ["no __name__", [["job", "x"]], undefined],
  ["empty __name__", [["__name__", ""]], undefined],
];
for (const [what, labels, want] of inCases) {
  test(`in: ${what}`, () => {
    assert.deepEqual(labelsToSeries(labels), want);
  });
}

test("graphite names round-trip: labels(name, tags) → labelsToSeries gives the same series", () => {
  const namer = new PromNamer({ ...prom, metricNames: "graphite" });
  const seg = fc.stringMatching(/^[a-zA-Z0-9_\-]{1,8}$/);
  fc.assert(
    fc.property(fc.array(seg, { minLength: 1, maxLength: 5 }), fc.dictionary(seg, seg, { maxKeys: 4 }), (parts, tags) => {
      const name = parts.join(".");
      const back = labelsToSeries(namer.labels(name, tags));
      assert.equal(back?.name, name);
      assert.deepEqual({ ...back?.tags }, { ...tags });
    }),
    { seed: 16, numRuns: 300 },
  );
});

test("a bad template is a ConfigError naming the section it came from", () => {
  assert.throws(() => new PromNamer({ ...prom, templates: ["a b c d"], section: "forward.vm" }), (e: unknown) => e instanceof Error && /\[forward\.vm\]|forward\.vm/.test(e.message) && /expected/.test(e.message));
});
