/**
 * The original forgot everything on restart. Here: state survives a restart with the fs store, and
 * meetings that were already running when the service started are found and given their banner.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startService } from "../helpers/service-process.ts";
import { startSimCluster, type ServedCluster } from "../helpers/sim-cluster.ts";
import { eventually } from "../helpers/wait.ts";

let sim: ServedCluster;
let dir: string;

before(async () => {
  sim = await startSimCluster(["cb-a"]);
  dir = await mkdtemp(join(tmpdir(), "cms-notify-fs-"));
});
after(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

test("restart mid-call with the fs store: the guest who joined before the restart is remembered, and leaving clears the banner", async () => {
  const a = sim.cluster.node("cb-a");
  const env = { ...sim.env, STORAGE: `fs:${dir}` };
  const first = await startService(env);
  const { call, records } = a.startCall({ name: "Survives restarts" });
  const guest = a.addLeg(call.id, { displayName: "Guest", subType: "webApp", type: "acano" });
  assert.equal((await first.post("/cdr/cb-a", a.records(records, guest.records))).status, 200);
  // Killed only once the service has recorded what it applied, as a crash after that point would be.
  await eventually(() => first.events().some((e) => e.msg === "banner changed"), { what: "banner recorded" });
  await first.kill();

  const second = await startService(env);
  try {
    const meeting = await eventually(async () => (await second.meetings()).find((m) => m.calls[0]?.callId === call.id), { what: "meeting after restart" });
    assert.equal(meeting.counts.external, 1);
    assert.equal(meeting.calls[0]!.applied?.text, "External Participant(s) in Meeting");
    const writes = a.puts.length;
    await second.post("/cdr/cb-a", a.records(a.removeLeg(guest.leg.id)));
    await eventually(() => call.message === null, { what: "banner cleared after restart" });
    assert.equal(a.puts.length, writes + 1, "one write: the clear");
  } finally {
    await second.stop();
  }
});

test("meetings already running at start-up get their banner without any CDR", async () => {
  const a = sim.cluster.node("cb-a");
  const running = a.startCall({ name: "Before we started" });
  a.addLeg(running.call.id, { displayName: "Internal", remoteParty: "bob@corp.example", type: "sip" });
  a.addLeg(running.call.id, { displayName: "Guest", type: "acano", subType: "webApp" });
  const restricted = a.startCall({ name: "Board - Restricted" });
  const quiet = a.startCall({ name: "Nobody external" });
  a.addLeg(quiet.call.id, { displayName: "Carol", remoteParty: "carol@corp.example", type: "acano" });

  const svc = await startService({ ...sim.env, STORAGE: "memory" });
  try {
    await eventually(() => running.call.message?.text === "External Participant(s) in Meeting", { what: "banner on the running meeting" });
    await eventually(() => restricted.call.message?.text === "Restricted Meeting", { what: "restricted banner" });
    assert.equal(quiet.call.message, null);
    const meeting = (await svc.meetings()).find((m) => m.calls[0]?.callId === running.call.id)!;
    assert.equal(meeting.counts.external, 1);
    assert.equal(meeting.counts.internal, 1);
  } finally {
    await svc.stop();
  }
});

test("a leg that ends between the start-up reconcile's leg list and its detail is left out; its call is still reconciled", async () => {
  const a = sim.cluster.node("cb-a");
  const running = a.startCall({ name: "Audit - Restricted" });
  a.addLeg(running.call.id, { displayName: "Alice", remoteParty: "alice@corp.example", type: "acano" });
  const guest = a.addLeg(running.call.id, { displayName: "Guest", type: "acano", subType: "webApp" });
  // The guest leaves at the moment the reconcile asks for their leg's detail: CMS answers
  // callLegDoesNotExist for a leg its list of the call showed a moment before.
  const inner = a.fetch;
  a.fetch = async (req) => {
    if (req.method === "GET" && new URL(req.url).pathname.toLowerCase().endsWith(`/calllegs/${guest.leg.id}`) && a.calls.get(running.call.id)?.legs.has(guest.leg.id)) {
      a.removeLeg(guest.leg.id);
    }
    return inner(req);
  };
  const svc = await startService({ ...sim.env, STORAGE: "memory" });
  try {
    await eventually(() => running.call.message?.text === "Restricted Meeting", { what: "restricted banner, without the guest who left" });
    const meeting = (await svc.meetings()).find((m) => m.calls[0]?.callId === running.call.id)!;
    assert.equal(meeting.counts.external, 0);
    assert.equal(meeting.counts.internal, 1);
  } finally {
    a.fetch = inner;
    await svc.stop();
  }
});

test("a call we knew that ends between the start-up reconcile's list and its detail is forgotten", async () => {
  const a = sim.cluster.node("cb-a");
  const own = await mkdtemp(join(tmpdir(), "cms-notify-fs-"));
  const env = { ...sim.env, STORAGE: `fs:${own}` };
  const first = await startService(env);
  const { call, records } = a.startCall({ name: "Ends during the reconcile" });
  const guest = a.addLeg(call.id, { displayName: "Guest", subType: "webApp", type: "acano" });
  assert.equal((await first.post("/cdr/cb-a", a.records(records, guest.records))).status, 200);
  await eventually(() => first.events().some((e) => e.msg === "banner changed" && e.call === call.id), { what: "banner recorded" });
  await first.kill();

  // The call ends (its callEnd never reaches us) just as the reconcile asks for its detail.
  const inner = a.fetch;
  a.fetch = async (req) => {
    if (req.method === "GET" && new URL(req.url).pathname.toLowerCase().endsWith(`/calls/${call.id}`) && a.calls.has(call.id)) a.endCall(call.id);
    return inner(req);
  };
  const second = await startService(env);
  try {
    const reconciled = second.events().find((e) => e.msg === "reconciled")!;
    assert.equal(reconciled.callsRemoved, 1);
    assert.equal((await second.meetings()).find((m) => m.calls.some((c) => c.callId === call.id)), undefined);
  } finally {
    a.fetch = inner;
    await second.stop();
    await rm(own, { recursive: true, force: true });
  }
});
