import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultConfig, formatEffectiveConfig, loadConfig } from "../../src/config/index.js";
import { tempDir } from "../helpers/tmp.js";

const dir = tempDir("loupe-config-paths-");
const etc = join(dir, "etc", "loupe");
const elsewhere = join(dir, "somewhere", "else");
mkdirSync(etc, { recursive: true });
mkdirSync(elsewhere, { recursive: true });

function fileConfig(name: string, text: string, env: NodeJS.ProcessEnv = {}): ReturnType<typeof loadConfig> {
  const file = join(etc, name);
  writeFileSync(file, text);
  // started from another folder: the working directory must not matter
  return loadConfig({ configPath: file, cwd: elsewhere, env });
}

test("relative paths in a config file are resolved against the file's folder, not the working directory", () => {
  const c = fileConfig(
    "rel.ini",
    "[paths]\ndata = state\nplugins = ../plugins\n[dashboards]\npath = ./dash\n[alerting]\nrules_path = rules\n[backup]\ndir = bk\n",
  );
  assert.equal(c.meta.baseDir, etc);
  assert.equal(c.paths.data, join(etc, "state"));
  assert.equal(c.paths.plugins, join(dir, "etc", "plugins"));
  assert.equal(c.database.path, join(etc, "state", "loupe.db"));
  assert.equal(c.dashboards.path, join(etc, "dash"));
  assert.equal(c.alerting.rules_path, join(etc, "rules"));
  assert.equal(c.backup.dir, join(etc, "bk"));
  // check-config prints what is used
  assert.match(formatEffectiveConfig(c), new RegExp(`\\ndata = ${join(etc, "state").replace(/[/.]/g, "\\$&")}\\n`));
});

test("defaults left out of a file are relative to the file too; empty paths stay empty", () => {
  const c = fileConfig("empty.ini", "[server]\nhttp_port = 3001\n");
  assert.equal(c.paths.data, join(etc, "data"));
  assert.equal(c.database.path, join(etc, "data", "loupe.db"));
  assert.equal(c.backup.dir, join(etc, "data", "backups"));
  assert.equal(c.dashboards.path, "");
  assert.equal(c.alerting.rules_path, "");
});

test("absolute paths are kept; a relative [database] path is the file's, not data's", () => {
  const c = fileConfig("abs.ini", "[paths]\ndata = /var/lib/loupe\n[database]\npath = db/x.db\n");
  assert.equal(c.paths.data, "/var/lib/loupe");
  assert.equal(c.database.path, join(etc, "db", "x.db"));
  assert.equal(c.backup.dir, "/var/lib/loupe/backups");
});

test("a relative path from the environment is resolved against the config file's folder as well", () => {
  const c = fileConfig("env.ini", "", { LOUPE_PATHS_DATA: "fromenv" });
  assert.equal(c.paths.data, join(etc, "fromenv"));
});

test("without a config file (embedded defaults) paths stay relative to the working directory, as before", () => {
  const c = defaultConfig();
  assert.equal(c.meta.baseDir, undefined);
  assert.equal(c.paths.data, "./data");
  assert.equal(c.database.path, join("./data", "loupe.db"));
  assert.equal(c.backup.dir, join("./data", "backups"));
});

test("[backup] schedule accepts cron expressions and names the key when it is not one", () => {
  assert.equal(fileConfig("cron.ini", '[backup]\nschedule = "0 3 * * *"\nkeep = 3\n').backup.schedule, "0 3 * * *");
  assert.equal(fileConfig("cron6.ini", "[backup]\nschedule = */5 * * * * *\n").backup.schedule, "*/5 * * * * *");
  assert.throws(() => fileConfig("bad.ini", "[server]\nhttp_port = 3001\n[backup]\nschedule = every day\n"), (err: Error) => {
    assert.match(err.message, /bad\.ini:4: \[backup\] schedule/);
    assert.match(err.message, /cron expression/);
    return true;
  });
  assert.throws(() => fileConfig("keep.ini", "[backup]\nkeep = 0\n"), /keep/);
});
