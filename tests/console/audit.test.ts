/**
 * The audit trail: every banner change is stored with its cause, can be asked for by meeting and
 * time, shows on the page, and is pruned after AUDIT_RETENTION_DAYS by the reconciler's runs.
 */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { journalState } from "../helpers/fs-store.ts";
import { startService, type ServiceProcess } from "../helpers/service-process.ts";
import { startSimCluster, type ServedCluster } from "../helpers/sim-cluster.ts";
import { eventually } from "../helpers/wait.ts";

interface EntryJson {
  at: string;
  meetingId: string;
  meetingName: string;
  node: string;
  from: string;
  to: string;
  cause: string;
}

const DAY = 24 * 60 * 60 * 1000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const oldAt = Date.now() - 40 * DAY;
const keptAt = Date.now() - 10 * DAY;

let sim: ServedCluster;
let svc: ServiceProcess;
let dir: string;

/** Entries in the fs store's previous layout (one JSON file per key), which the first start imports. */
async function seed(at: number, name: string) {
  await mkdir(join(dir, "audit", "d", day(at)), { recursive: true });
  const entry = { at, meetingId: `seed-${name}`, meetingName: name, node: "cb-a", callId: "c1", from: "", to: "External Participant(s) in Meeting", cause: "seeded" };
  await writeFile(join(dir, "audit", "d", day(at), `${String(at).padStart(13, "0")}-seed0000`), JSON.stringify(entry));
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "cms-notify-audit-"));
  await seed(oldAt, "Too old");
  await seed(keptAt, "Recent enough");
  await writeFile(join(dir, "audit", "days"), JSON.stringify([day(oldAt), day(keptAt)]));
  sim = await startSimCluster(["cb-a"]);
  svc = await startService({ ...sim.env, STORAGE: `fs:${dir}`, AUDIT_RETENTION_DAYS: "30" }, "node");
});
after(async () => {
  await svc.stop();
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

async function audit(query = ""): Promise<EntryJson[]> {
  const res = await svc.get(`/api/audit${query}`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { entries: EntryJson[] }).entries;
}

test("the start-up reconcile prunes entries older than AUDIT_RETENTION_DAYS, and keeps the rest", async () => {
  const since = `?since=${new Date(Date.now() - 60 * DAY).toISOString()}`;
  await eventually(async () => !(await audit(since)).some((e) => e.meetingName === "Too old"), { what: "the old entry pruned" });
  assert.ok((await audit(since)).some((e) => e.meetingName === "Recent enough"));
  // The fs store's journal, as the next start would load it.
  const stored = await journalState(dir);
  assert.ok(!stored.has(`audit:d:${day(oldAt)}:${String(oldAt).padStart(13, "0")}-seed0000`), "removed from the store");
  // The day list of before is gone, turned into a mark for the day still kept.
  assert.equal(stored.has("audit:days"), false);
  assert.ok(stored.has(`audit:i:${day(keptAt)}`) && !stored.has(`audit:i:${day(oldAt)}`));
  assert.ok(svc.events().some((e) => e.msg === "audit entries pruned" && e.removed === 1));
});

test("a guest joins and leaves: two entries with their causes, filtered by meeting and by time", async () => {
  const a = sim.cluster.node("cb-a");
  const other = a.startCall({ name: "Board - RESTRICTED" });
  await svc.post("/cdr/cb-a", a.records(other.records));
  const { call, records } = a.startCall({ name: "Audit meeting" });
  const alice = a.addLeg(call.id, { displayName: "Alice", remoteParty: "alice@corp.example", type: "acano" });
  await svc.post("/cdr/cb-a", a.records(records, alice.records));
  const guest = a.addLeg(call.id, { displayName: "Visitor Bob", type: "acano", subType: "webApp" });
  assert.equal((await svc.post("/cdr/cb-a", a.records(guest.records))).status, 200);
  await eventually(() => call.message !== null, { what: "the banner" });
  assert.equal((await svc.post("/cdr/cb-a", a.records(a.removeLeg(guest.leg.id)))).status, 200);
  await eventually(() => call.message === null, { what: "the banner cleared" });

  const mine = await eventually(async () => {
    const entries = await audit(`?meeting=${call.correlator}`);
    return entries.length === 2 && entries;
  }, { what: "two entries" });
  const [left, joined] = mine;
  assert.equal(joined!.meetingName, "Audit meeting");
  assert.equal(joined!.node, "cb-a");
  assert.equal(joined!.from, "");
  assert.equal(joined!.to, "External Participant(s) in Meeting");
  assert.match(joined!.cause, /Visitor Bob.*joined/);
  assert.equal(left!.from, "External Participant(s) in Meeting");
  assert.equal(left!.to, "");
  assert.match(left!.cause, new RegExp(`${guest.leg.id}.*left`));
  assert.ok(Date.parse(left!.at) >= Date.parse(joined!.at), "newest first");

  const all = await audit();
  assert.ok(all.some((e) => e.meetingId === other.call.correlator && e.to === "Restricted Meeting"), "the other meeting is in the full list");
  assert.ok(mine.every((e) => e.meetingId === call.correlator));

  const after = await audit(`?meeting=${call.correlator}&since=${new Date(Date.parse(joined!.at) + 1).toISOString()}`);
  assert.deepEqual(after.map((e) => e.cause), [left!.cause], "since leaves out what came before");

  const page = await (await svc.get("/")).text();
  assert.match(page, /Visitor Bob/);
  assert.match(page, /Recent banner changes/);
});

test("a malformed query is a 400 that says what to send", async () => {
  for (const q of ["?since=yesterday", "?since=2026-13-45T00:00:00Z", "?limit=0", "?limit=abc"]) {
    const res = await svc.get(`/api/audit${q}`);
    assert.equal(res.status, 400, q);
    assert.match(((await res.json()) as { error: string }).error, /^(since|limit): /);
  }
});
