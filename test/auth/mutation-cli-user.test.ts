// `loupe user …` (src/auth/cli-user.ts) on a temp data dir: every subcommand's output and exit code,
// usage errors, role spelling, the note when local logins are off, differing passwords, and the list.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { userCommand, type UserCliIo } from "../../src/auth/cli-user.js";
import { tempDir } from "../helpers/tmp.js";

const root = tempDir("loupe-cliuser-");
let n = 0;
function setup(basic: boolean): { ini: string; run: (args: string[], secrets?: string[]) => Promise<{ code: number; out: string[]; err: string[] }> } {
  const dir = join(root, `d${n++}`);
  mkdirSync(dir, { recursive: true });
  const ini = join(dir, "loupe.ini");
  writeFileSync(ini, `[paths]\ndata = ${join(dir, "data")}\n[auth.basic]\nenabled = ${basic}\n[auth]\nadmins = boss\n`);
  return {
    ini,
    run: async (args, secrets = []) => {
      const out: string[] = [];
      const err: string[] = [];
      const queue = [...secrets];
      const io: UserCliIo = { out: (t) => void out.push(t), err: (t) => void err.push(t), readSecret: async () => queue.shift() ?? "" };
      const code = await userCommand.run([...args, "--config", ini], io);
      return { code, out, err };
    },
  };
}

const PW = "a long enough password";

test("loupe user: add, list, role, disable, enable, passwd — output and exit codes", async () => {
  const { run } = setup(true);
  assert.deepEqual(await run(["list"]), { code: 0, out: ["no users"], err: [] });
  assert.deepEqual(await run(["add", "alice"], [PW]), { code: 0, out: ["added local user alice (Admin)"], err: [] }, "the first user is Admin");
  assert.deepEqual(await run(["add", "bob", "--role", "editor"], [PW]), { code: 0, out: ["added local user bob (Editor)"], err: [] });
  assert.deepEqual(await run(["add", "carol"], [PW]), { code: 0, out: ["added local user carol (Viewer)"], err: [] });
  assert.deepEqual(await run(["add", "octo", "--github"]), { code: 0, out: ["added github user octo (Viewer)"], err: [] }, "no password asked for GitHub users");
  assert.deepEqual(await run(["role", "carol", "ADMIN"]), { code: 0, out: ["carol is now Admin"], err: [] });
  assert.deepEqual(await run(["disable", "bob"]), { code: 0, out: ["bob disabled; its sessions ended"], err: [] });
  const list = await run(["list"]);
  assert.equal(list.code, 0);
  assert.deepEqual(list.out, [
    "LOGIN  PROVIDER  ROLE    STATE     LAST SEEN",
    "alice  local     Admin   active    never",
    "bob    local     Editor  disabled  never",
    "carol  local     Admin   active    never",
    "octo   github    Viewer  active    never",
  ]);
  assert.deepEqual(await run(["enable", "bob"]), { code: 0, out: ["bob enabled"], err: [] });
  assert.deepEqual(await run(["passwd", "bob"], ["another long password"]), { code: 0, out: ["password of bob changed; its sessions ended"], err: [] });
  assert.match((await run(["list"])).out[2]!, /^bob {4}local {5}Editor {2}active {4}never$/);
});

test("loupe user: usage errors, unknown roles and users, differing passwords exit 1", async () => {
  const { run } = setup(true);
  for (const args of [[], ["frobnicate", "x"], ["add"], ["passwd"], ["role"], ["disable"], ["enable"]]) {
    const r = await run(args);
    assert.equal(r.code, 1, args.join(" "));
    assert.match(r.err[0]!, /^usage: loupe user add LOGIN/);
  }
  const badRole = await run(["add", "x", "--role", "root"], [PW]);
  assert.deepEqual(badRole, { code: 1, out: [], err: ["loupe user: --role must be one of Viewer, Editor, Admin"] });
  assert.deepEqual(await run(["list"]), { code: 0, out: ["no users"], err: [] }, "nothing was added");
  assert.equal((await run(["add", "alice"], [PW])).code, 0);
  assert.deepEqual(await run(["role", "alice", "boss"]), { code: 1, out: [], err: ["loupe user: role must be one of Viewer, Editor, Admin"] });
  assert.deepEqual(await run(["role", "alice"]), { code: 1, out: [], err: ["loupe user: role must be one of Viewer, Editor, Admin"] });
  await assert.rejects(run(["role", "nobody", "Editor"]), /no user nobody/);
  await assert.rejects(run(["disable", "nobody"]), /no user nobody/);
});

test("loupe user: a local user added while local logins are off gets a note; listed admins are Admin", async () => {
  const { run } = setup(false);
  assert.deepEqual(await run(["add", "first"], [PW]), { code: 0, out: ["added local user first (Admin)"], err: ["note: [auth.basic] enabled = false, so local users cannot log in yet"] });
  assert.deepEqual(await run(["add", "boss"], [PW]), { code: 0, out: ["added local user boss (Admin)"], err: ["note: [auth.basic] enabled = false, so local users cannot log in yet"] });
  assert.deepEqual(await run(["add", "gh", "--github"]), { code: 0, out: ["added github user gh (Viewer)"], err: [] }, "no note for GitHub users");
});
