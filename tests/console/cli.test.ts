/**
 * `cms-notify` against the simulator, run as an operator would (the bin shim, a real process):
 * check passes and fails with clear reasons and no password in sight; register-cdr is
 * idempotent and never removes another's receiver; replay reports every file; sim serves a
 * cluster that check accepts.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { runCli, root } from "../helpers/cli.ts";
import { startService, type ServiceProcess } from "../helpers/service-process.ts";
import { CMS_PASSWORD, startSimCluster, type ServedCluster } from "../helpers/sim-cluster.ts";
import { eventually } from "../helpers/wait.ts";

const CDR_TOKEN = "cli-cdr-token-5e0c93ab17d2";
const RECEIVER = "https://banner.corp.example:8443/cdr/{node}";

let sim: ServedCluster;
let dir: string;

before(async () => {
  sim = await startSimCluster(["cb-a", "cb-b"]);
  dir = await mkdtemp(join(tmpdir(), "cms-notify-cli-"));
});
after(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

test("check: reaches every node over TLS, reports version and cluster members", async () => {
  const run = await runCli(["check"], sim.env);
  assert.equal(run.code, 0, run.all);
  assert.match(run.stdout, /configuration: ok \(2 CMS nodes/);
  assert.match(run.stdout, /cb-a \(https:\/\/127\.0\.0\.1:\d+\)\n {2}API: reachable, credentials accepted; CMS 3\.8\.0, clustered/);
  assert.match(run.stdout, new RegExp(`cluster members: cb-a \\(${sim.urls["cb-a"]}\\), cb-b \\(${sim.urls["cb-b"]}\\)`));
  assert.match(run.stdout, /set CDR_RECEIVER_URL \(or pass --url\)/);
  assert.match(run.stdout, /check: OK/);
});

test("check with a wrong password: exit 1, the reason named, no password printed", async () => {
  const wrong = "Wr0ng-Pa55word-zz9";
  const run = await runCli(["check"], { ...sim.env, CMS_PASSWORD: wrong });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /cb-a: the API refused the credentials \(401\): check CMS_USERNAME and CMS_PASSWORD/);
  assert.ok(!run.all.includes(wrong) && !run.all.includes(CMS_PASSWORD), "no password in the output");
});

test("check without the CA: exit 1 with the TLS hint; with a bad setting: exit 2", async () => {
  const { CMS_CA_FILE: _ca, ...noCa } = sim.env;
  const run = await runCli(["check"], noCa);
  assert.equal(run.code, 1);
  assert.match(run.stderr, /certificate is not trusted; set CMS_CA_FILE/);
  const bad = await runCli(["check"], { ...sim.env, CDR_TOKEN: "short", CDR_ALLOW: "10.0.0.300/8" });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /CDR_TOKEN: must be 16 to 256 characters/);
  assert.match(bad.stderr, /CDR_ALLOW: "10\.0\.0\.300\/8" is not an IP address or CIDR range/);
  assert.ok(!bad.all.includes("short"), "a secret's value is not echoed");
});

test("register-cdr twice: one receiver per node, token added and never printed; check then sees it", async () => {
  const env = { ...sim.env, CDR_TOKEN, CDR_RECEIVER_URL: RECEIVER };
  const first = await runCli(["register-cdr"], env);
  assert.equal(first.code, 0, first.all);
  assert.match(first.stdout, /cb-a: registered as https:\/\/banner\.corp\.example:8443\/cdr\/cb-a\?token=\*\*\*/);
  const second = await runCli(["register-cdr"], env);
  assert.equal(second.code, 0, second.all);
  assert.match(second.stdout, /cb-b: already registered/);
  for (const name of ["cb-a", "cb-b"]) {
    assert.deepEqual([...sim.cluster.node(name).cdrReceivers.values()], [`https://banner.corp.example:8443/cdr/${name}?token=${CDR_TOKEN}`]);
  }
  assert.ok(!first.all.includes(CDR_TOKEN) && !second.all.includes(CDR_TOKEN));
  const check = await runCli(["check"], env);
  assert.equal(check.code, 0, check.all);
  assert.match(check.stdout, /this service: registered as https:\/\/banner\.corp\.example:8443\/cdr\/cb-b\?token=\*\*\*/);
  const stale = await runCli(["check"], { ...env, CDR_TOKEN: "a-newer-token-000000000" });
  assert.equal(stale.code, 1);
  assert.match(stale.stderr, /with another token/);
});

test("register-cdr on a node whose four slots are taken: a clear error, nothing removed, the other node done", async () => {
  const full = await startSimCluster(["cb-a", "cb-b"]);
  try {
    const others = ["https://cmm.corp.example/meetings/cdr/1/?token=0a1b2c3d4e5f60718293", "http://10.0.0.9:8080/cdr", "https://siem.corp.example/cms", "https://billing.corp.example/cdr/cms/9f8e7d6c5b4a39281706/"];
    others.forEach((uri, i) => full.cluster.node("cb-b").cdrReceivers.set(`other-${i}`, uri));
    const run = await runCli(["register-cdr", "--url", "http://127.0.0.1:5000/cdr/{node}"], full.env);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /cb-b: every CDR receiver slot is taken \(4 in use: .*\); cms-notify never removes another's receiver: free a slot in Web Admin/);
    assert.match(run.stdout, /cb-a: registered as http:\/\/127\.0\.0\.1:5000\/cdr\/cb-a/);
    assert.deepEqual([...full.cluster.node("cb-b").cdrReceivers.values()], others, "nothing removed, nothing added");
    assert.ok(!run.all.includes("0a1b2c3d4e5f60718293") && !run.all.includes("9f8e7d6c5b4a39281706"), "others' secrets masked");
  } finally {
    await full.close();
  }
});

test("replay of a directory: each file's answer, exit 1 when one is refused", async () => {
  const quiet = await startSimCluster(["cb-r"]);
  let svc: ServiceProcess | undefined;
  try {
    svc = await startService({ ...quiet.env, STORAGE: "memory", CDR_TOKEN }, "node");
    const r = quiet.cluster.node("cb-r");
    const { call, records } = r.startCall({ name: "Replayed meeting" });
    const guest = r.addLeg(call.id, { displayName: "Replayed guest", type: "acano", subType: "webApp" });
    await writeFile(join(dir, "01-start.xml"), r.records(records));
    await writeFile(join(dir, "02-guest.xml"), r.records(guest.records));
    await writeFile(join(dir, "03-broken.xml"), "<records><record");
    await writeFile(join(dir, "notes.txt"), "not a batch");
    const run = await runCli(["replay", dir, "--url", `${svc.url}/cdr/cb-r`], { CDR_TOKEN });
    assert.equal(run.code, 1, run.all);
    assert.match(run.stdout, /replaying 3 batches to http:\/\/127\.0\.0\.1:\d+\/cdr\/cb-r\?token=\*\*\*/);
    assert.match(run.stdout, /01-start\.xml: 200\n/);
    assert.match(run.stdout, /02-guest\.xml: 200\n/);
    assert.match(run.stdout, /03-broken\.xml: 400 \S+/);
    assert.match(run.stdout, /2 accepted, 1 refused or failed/);
    assert.ok(!run.all.includes(CDR_TOKEN));
    await eventually(() => call.message?.text === "External Participant(s) in Meeting", { what: "the replayed guest's banner" });
    const one = await runCli(["replay", join(dir, "01-start.xml"), "--url", `${svc.url}/cdr/cb-r`], { CDR_TOKEN });
    assert.equal(one.code, 0, one.all);
  } finally {
    await svc?.stop();
    await quiet.close();
  }
});

test("sim: serves a cluster with meetings and prints settings that check accepts", async () => {
  const child = spawn(process.execPath, [join(root, "bin", "cms-notify.js"), "sim", "--port", "0", "--nodes", "cb-x,cb-y", "--every", "0"], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => (out += c.toString("utf8")));
  try {
    await eventually(() => out.includes("Ctrl-C stops."), { timeoutMs: 20_000, what: "the simulator to start" });
    const line = /^ {2}(CMS_NODES=\S+) (CMS_USERNAME=\S+) (CMS_PASSWORD=\S+)$/m.exec(out);
    assert.ok(line, out);
    const env = Object.fromEntries(line.slice(1).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
    const check = await runCli(["check"], env);
    assert.equal(check.code, 0, check.all);
    assert.match(check.stdout, /cluster members: cb-x \(http:\/\/127\.0\.0\.1:\d+\), cb-y/);
  } finally {
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    assert.equal(code, 0);
  }
});

test("unknown commands and options are refused with the usage", async () => {
  const run = await runCli(["chek"], {});
  assert.equal(run.code, 2);
  assert.match(run.stderr, /no command "chek"/);
  const opt = await runCli(["check", "--urll", "x"], {});
  assert.equal(opt.code, 2);
  assert.match(opt.stderr, /unknown option --urll/);
});
