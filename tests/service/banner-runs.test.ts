/**
 * A banner run is queued only when a batch may change what some call must show: a call joined a
 * meeting, or a fact the banner reads moved (ingest.ts, mayChangeBanner). Each test watches the
 * queue after every POST (a wide window keeps a queued run visible) and the PUTs the simulated
 * CMS received, so a run skipped that was needed shows as a missing or wrong banner.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { startSimCluster, type ServedCluster } from "../helpers/sim-cluster.ts";
import { serviceOn, type InProcess } from "./fixture.ts";

const WINDOW_MS = 300;
const EXTERNAL = "External Participant(s) in Meeting";

let sim: ServedCluster;
before(async () => {
  sim = await startSimCluster(["cb-a", "cb-b"], { tls: false });
});
after(() => sim.close());

/** POSTs and answers how many banner runs are now waiting (the window keeps them visible). */
async function queuedAfter(svc: InProcess, path: string, body: string): Promise<number> {
  assert.equal(await svc.post(path, body), 200);
  return svc.service.applier.status().queued;
}

const shown = (node: string, callId: string) =>
  sim.cluster.node(node).puts.filter((p) => p.callId === callId).map((p) => p.body.messageText ?? "");

describe("external mode", () => {
  let svc: InProcess;
  before(() => {
    svc = serviceOn(sim, { bannerWindowMs: WINDOW_MS });
  });
  after(() => svc.stop());

  test("rooms joining and leaving, updates and an empty call ending queue no run; the guest's join and leave do", async () => {
    const a = sim.cluster.node("cb-a");
    const { call, records } = a.startCall({ name: "Standup", correlator: randomUUID() });
    assert.equal(await queuedAfter(svc, "/cdr/cb-a", a.records(records)), 1, "a call joining a meeting is run");
    await svc.service.applier.idle();

    const room1 = a.addLeg(call.id, { displayName: "Room 1", remoteParty: "sip:room1@corp.example", type: "sip" });
    const room2 = a.addLeg(call.id, { displayName: "Room 2", remoteParty: "sip:room2@corp.example", type: "sip" }, { callKnownAtStart: false });
    assert.equal(await queuedAfter(svc, "/cdr/cb-a", a.records(room1.records, room2.records)), 0, "rooms (start and update) change nothing here");

    const guest = a.addLeg(call.id, { displayName: "Visitor", type: "acano", subType: "webApp" });
    assert.equal(await queuedAfter(svc, "/cdr/cb-a", a.records(guest.records)), 1, "a guest joining is run");
    await svc.service.applier.idle();
    assert.deepEqual(shown("cb-a", call.id), [EXTERNAL]);

    assert.equal(await queuedAfter(svc, "/cdr/cb-a", a.records(a.removeLeg(room1.leg.id))), 0, "a room leaving changes nothing");
    assert.equal(await queuedAfter(svc, "/cdr/cb-a", a.records(a.removeLeg(guest.leg.id))), 1, "the guest leaving is run");
    await svc.service.applier.idle();
    assert.deepEqual(shown("cb-a", call.id), [EXTERNAL, ""]);

    assert.equal(await queuedAfter(svc, "/cdr/cb-a", a.records(a.endCall(call.id))), 0, "a call ending with rooms only");
    assert.deepEqual(shown("cb-a", call.id), [EXTERNAL, ""], "two changes, two PUTs");
  });

  test("a restricted call's start is run and shows the restricted banner", async () => {
    const a = sim.cluster.node("cb-a");
    const { call, records } = a.startCall({ name: "Falcon RESTRICTED", correlator: randomUUID() });
    assert.equal(await queuedAfter(svc, "/cdr/cb-a", a.records(records)), 1);
    await svc.service.applier.idle();
    assert.deepEqual(shown("cb-a", call.id), ["Restricted Meeting"]);
    a.endCall(call.id);
  });

  test("a call that joins a meeting already showing a banner is given it, though its own facts say nothing", async () => {
    const a = sim.cluster.node("cb-a");
    const b = sim.cluster.node("cb-b");
    const correlator = randomUUID();
    const onA = a.startCall({ name: "Spread", correlator });
    const guest = a.addLeg(onA.call.id, { displayName: "Visitor", type: "acano", subType: "webApp" });
    await svc.post("/cdr/cb-a", a.records(onA.records, guest.records));
    await svc.service.applier.idle();

    // Posted to /cdr: node B is known only by its source key until the run resolves it.
    const onB = b.startCall({ name: "Spread", correlator });
    const room = b.addLeg(onB.call.id, { displayName: "Room", remoteParty: "sip:room@corp.example", type: "sip" });
    assert.equal(await queuedAfter(svc, "/cdr", b.records(onB.records, room.records)), 1);
    await svc.service.applier.idle();
    assert.deepEqual(shown("cb-b", onB.call.id), [EXTERNAL]);

    // The guest leaves node A: the run must find node B's call too, and clear both.
    assert.equal(await queuedAfter(svc, "/cdr/cb-a", a.records(a.removeLeg(guest.leg.id))), 1);
    await svc.service.applier.idle();
    assert.deepEqual(shown("cb-a", onA.call.id), [EXTERNAL, ""]);
    assert.deepEqual(shown("cb-b", onB.call.id), [EXTERNAL, ""]);
    a.endCall(onA.call.id);
    b.endCall(onB.call.id);
  });

  test("a call that moves to another meeting takes that meeting's banner and leaves the old one's alone", async () => {
    const a = sim.cluster.node("cb-a");
    const b = sim.cluster.node("cb-b");
    const [first, second] = [randomUUID(), randomUUID()];
    const onA = a.startCall({ name: "Origin", correlator: first });
    const guest = a.addLeg(onA.call.id, { displayName: "Visitor", type: "acano", subType: "webApp" });
    const onB = b.startCall({ name: "Origin", correlator: first });
    const room = b.addLeg(onB.call.id, { displayName: "Room", remoteParty: "sip:room@corp.example", type: "sip" });
    await svc.post("/cdr/cb-a", a.records(onA.records, guest.records));
    await svc.post("/cdr/cb-b", b.records(onB.records, room.records));
    await svc.service.applier.idle();
    assert.deepEqual(shown("cb-b", onB.call.id), [EXTERNAL]);

    // CMS says again that B's call started, now under another correlator (a new session, so
    // the record is not taken for one already seen).
    onB.call.correlator = second;
    const moved = onB.records[0]!.replace(first, second);
    assert.notEqual(moved, onB.records[0], "the record names the new correlator");
    b.restart();
    assert.equal(await queuedAfter(svc, "/cdr/cb-b", b.records([moved])), 1);
    await svc.service.applier.idle();
    assert.deepEqual(shown("cb-b", onB.call.id), [EXTERNAL, ""], "the new meeting has no guest");
    assert.deepEqual(shown("cb-a", onA.call.id), [EXTERNAL], "the old meeting still has its guest");
    a.endCall(onA.call.id);
    b.endCall(onB.call.id);
  });

  test("a guest who moves to another call takes the banner along: the call left is cleared, the call joined shows it", async () => {
    const a = sim.cluster.node("cb-a");
    const x = a.startCall({ name: "Lobby", correlator: randomUUID() });
    const guest = a.addLeg(x.call.id, { displayName: "Visitor", type: "acano", subType: "webApp" }, { callKnownAtStart: false });
    const y = a.startCall({ name: "Board", correlator: randomUUID() });
    const room = a.addLeg(y.call.id, { displayName: "Room", remoteParty: "sip:room@corp.example", type: "sip" });
    await svc.post("/cdr/cb-a", a.records(x.records, guest.records, y.records, room.records));
    await svc.service.applier.idle();
    assert.deepEqual(shown("cb-a", x.call.id), [EXTERNAL]);
    assert.deepEqual(shown("cb-a", y.call.id), []);

    // CMS moves the guest: a callLegUpdate naming the other call (a new session, so that the
    // record is not taken for one already seen).
    const update = guest.records.find((r) => r.includes('type="callLegUpdate"'))!;
    const moved = update.replace(x.call.id, y.call.id);
    assert.notEqual(moved, update);
    a.restart();
    assert.equal(await queuedAfter(svc, "/cdr/cb-a", a.records([moved])), 2, "both meetings are run");
    await svc.service.applier.idle();
    assert.deepEqual(shown("cb-a", x.call.id), [EXTERNAL, ""], "the call the guest left");
    assert.deepEqual(shown("cb-a", y.call.id), [EXTERNAL], "the call the guest joined");
    a.endCall(x.call.id);
    a.endCall(y.call.id);
  });
});

describe("levels mode", () => {
  let svc: InProcess;
  before(() => {
    svc = serviceOn(sim, { bannerWindowMs: WINDOW_MS, env: { BANNER_MODE: "levels", INTERNAL_DOMAINS: "corp.example" } });
  });
  after(() => svc.stop());

  test("the first internal room is run (level 2); the second changes nothing", async () => {
    const a = sim.cluster.node("cb-a");
    const { call, records } = a.startCall({ name: "Levels", correlator: randomUUID() });
    await svc.post("/cdr/cb-a", a.records(records));
    await svc.service.applier.idle();
    const room1 = a.addLeg(call.id, { displayName: "Room 1", remoteParty: "sip:room1@corp.example", type: "sip" });
    assert.equal(await queuedAfter(svc, "/cdr/cb-a", a.records(room1.records)), 1);
    await svc.service.applier.idle();
    const room2 = a.addLeg(call.id, { displayName: "Room 2", remoteParty: "sip:room2@corp.example", type: "sip" });
    assert.equal(await queuedAfter(svc, "/cdr/cb-a", a.records(room2.records)), 0);
    assert.deepEqual(shown("cb-a", call.id), ["Security Level 2"]);
    a.endCall(call.id);
  });
});
