/**
 * CDRs about legs the reconcile is reading.
 *
 * A leg a CDR left waiting for its call (its callLegStart named no call, the update that would
 * have did not arrive) is known from the store: the reconcile reads the waiting legs once per
 * run, puts this one into its call without asking the API for it, and removes the waiting copy.
 *
 * At start-up the reconcile reads a leg's detail, and the leg may leave in the moment before the
 * reconcile stores it. Its callLegEnd then names a leg the store does not hold. The reconcile must
 * not add that leg afterwards: the meeting would count a guest who left, and show the external
 * banner, until the next reconcile (service/unseen-leg-ends.ts).
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { startSimCluster, type ServedCluster } from "../helpers/sim-cluster.ts";
import { serviceOn, type InProcess } from "./fixture.ts";

let sim: ServedCluster;
let svc: InProcess;
before(async () => {
  sim = await startSimCluster(["cb-a"], { tls: false });
  svc = serviceOn(sim, { bannerWindowMs: 0 });
});
after(async () => {
  await svc.stop();
  await sim.close();
});

test("reconcile: a waiting leg joins its call from the store, without a GET of the leg", async () => {
  const a = sim.cluster.node("cb-a");
  const { call, records } = a.startCall({ name: "Waiting room", correlator: randomUUID() });
  const guest = a.addLeg(call.id, { displayName: "Visitor Eve", type: "acano", subType: "webApp" }, { callKnownAtStart: false });
  const [legStart] = guest.records;
  assert.equal(await svc.post("/cdr/cb-a", a.records(records, [legStart!])), 200);
  await svc.service.applier.idle();
  assert.equal(call.message?.text, undefined, "not yet in the call as far as the service knows");
  assert.equal((await svc.service.state.allPending()).length, 1);

  a.requests.log.length = 0;
  const report = await svc.service.reconcile("test");
  assert.equal(report?.legsAdded, 1);
  assert.ok(!a.requests.log.some((r) => r.path.startsWith(`/api/v1/callLegs/${guest.leg.id}`)), "the leg was not asked for");
  assert.deepEqual(await svc.service.state.allPending(), [], "the waiting copy is gone");
  const doc = await svc.service.state.getCall("cb-a", call.id);
  assert.equal(doc?.legs[guest.leg.id]?.displayName, "Visitor Eve");
  await svc.service.applier.idle();
  assert.equal(call.message?.text, "External Participant(s) in Meeting");
});

test("reconcile: a waiting copy stored after the run read the waiting legs is removed when its leg joins", async () => {
  const a = sim.cluster.node("cb-a");
  const { call, records } = a.startCall({ name: "Late waiter", correlator: randomUUID() });
  assert.equal(await svc.post("/cdr/cb-a", a.records(records)), 200);
  const guest = a.addLeg(call.id, { displayName: "Visitor Fay", type: "acano", subType: "webApp" }, { callKnownAtStart: false });
  const [legStart] = guest.records;

  // Slow answers, so that the CDR lands between the run's read of the waiting legs (at its start)
  // and the merge of this call (after its list, detail and leg list have come back).
  a.latencyMs = 150;
  try {
    const run = svc.service.reconcile("test");
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(await svc.post("/cdr/cb-a", a.records([legStart!])), 200);
    assert.equal((await svc.service.state.allPending()).length, 1, "the copy is stored while the run is reading the API");
    await run;
  } finally {
    a.latencyMs = 0;
  }
  assert.deepEqual(await svc.service.state.allPending(), [], "the waiting copy is gone");
  assert.equal((await svc.service.state.getCall("cb-a", call.id))?.legs[guest.leg.id]?.displayName, "Visitor Fay");
});

test("reconcile: a leg whose callLegEnd came between its detail and the merge is not added", async () => {
  const a = sim.cluster.node("cb-a");
  // Running before the service knew of it: no CDR of this call has been posted.
  const { call } = a.startCall({ name: "Weekly", correlator: randomUUID() });
  a.addLeg(call.id, { displayName: "Room", remoteParty: "sip:room@corp.example", type: "sip" });
  const guest = a.addLeg(call.id, { displayName: "Visitor Gil", type: "acano", subType: "webApp", guestConnection: true });

  // The guest leaves once the reconcile has their detail, and the CDR is taken before the reply
  // reaches the reconcile.
  const inner = a.fetch;
  let posted = 0;
  a.fetch = async (req) => {
    const reply = await inner(req);
    if (req.method === "GET" && new URL(req.url).pathname.toLowerCase().endsWith(`/calllegs/${guest.leg.id}`) && posted === 0) {
      posted = await svc.post("/cdr/cb-a", a.records(a.removeLeg(guest.leg.id)));
    }
    return reply;
  };
  try {
    await svc.service.reconcile("test");
  } finally {
    a.fetch = inner;
  }
  assert.equal(posted, 200, "the callLegEnd was taken while the reconcile waited for the leg's detail");
  await svc.service.applier.idle();

  const doc = await svc.service.state.getCall("cb-a", call.id);
  assert.ok(doc, "the call is reconciled");
  assert.deepEqual(Object.values(doc.legs).map((l) => l.displayName), ["Room"], "the guest who left is not added");
  assert.equal(call.message?.text ?? "", "", "no external banner for a guest who has gone");
});
