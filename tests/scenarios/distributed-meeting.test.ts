/**
 * A meeting spread over two Call Bridges is one meeting: a guest on either node puts the banner on
 * every node's instance, each written through that node's own API — with and without
 * distribution-link legs in the CDRs (DOMAIN §10.2).
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { linkNodes } from "../../src/sim/index.ts";
import { useScenario } from "../helpers/scenario.ts";
import { eventually } from "../helpers/wait.ts";

const s = useScenario(["cb-a", "cb-b"]);

for (const linksInCdr of [true, false]) {
  test(`guest on node B shows the banner on both nodes (distribution links in CDRs: ${linksInCdr})`, async () => {
    const a = s.sim.cluster.node("cb-a");
    const b = s.sim.cluster.node("cb-b");
    a.includeDistributionLinksInCdr = linksInCdr;
    b.includeDistributionLinksInCdr = linksInCdr;
    const correlator = randomUUID();
    const coSpace = randomUUID();
    const onA = a.startCall({ name: "Project Falcon", correlator, coSpace });
    const alice = a.addLeg(onA.call.id, { displayName: "Alice", remoteParty: "alice@corp.example", type: "acano" });
    const onB = b.startCall({ name: "Project Falcon", correlator, coSpace });
    const link = linkNodes(a, onA.call.id, b, onB.call.id);
    const guest = b.addLeg(onB.call.id, { displayName: "Visitor", type: "acano", subType: "webApp" });

    assert.equal((await s.svc.post("/cdr/cb-a", a.records(onA.records, alice.records, link.recordsA))).status, 200);
    assert.equal((await s.svc.post("/cdr/cb-b", b.records(onB.records, link.recordsB, guest.records))).status, 200);

    const text = "External Participant(s) in Meeting";
    await eventually(() => onA.call.message?.text === text && onB.call.message?.text === text, { what: "banner on both nodes" });
    assert.ok(a.puts.some((p) => p.callId === onA.call.id), "node A's call written through node A");
    assert.ok(b.puts.some((p) => p.callId === onB.call.id), "node B's call written through node B");
    assert.ok(!a.puts.some((p) => p.callId === onB.call.id), "node B's call id never sent to node A");

    const meeting = (await s.svc.meetings()).find((m) => m.id === correlator)!;
    assert.equal(meeting.calls.length, 2);
    assert.equal(meeting.counts.external, 1, "the distribution links are not participants");
    assert.equal(meeting.counts.internal, 1);

    await s.svc.post("/cdr/cb-b", b.records(b.removeLeg(guest.leg.id)));
    await eventually(() => onA.call.message === null && onB.call.message === null, { what: "banner cleared on both nodes" });
  });
}

test("a restricted meeting: the restricted text on every node, combined once a guest joins", async () => {
  const a = s.sim.cluster.node("cb-a");
  const b = s.sim.cluster.node("cb-b");
  const correlator = randomUUID();
  const onA = a.startCall({ name: "Project Falcon - RESTRICTED", correlator });
  const onB = b.startCall({ name: "Project Falcon - RESTRICTED", correlator });
  await s.svc.post("/cdr/cb-a", a.records(onA.records));
  await s.svc.post("/cdr/cb-b", b.records(onB.records));
  await eventually(() => onA.call.message?.text === "Restricted Meeting" && onB.call.message?.text === "Restricted Meeting", { what: "restricted banner" });
  const guest = a.addLeg(onA.call.id, { displayName: "Guest", subType: "webApp", type: "acano" });
  await s.svc.post("/cdr/cb-a", a.records(guest.records));
  const both = "Restricted Meeting, External Participant(s) in Meeting";
  await eventually(() => onA.call.message?.text === both && onB.call.message?.text === both, { what: "combined banner" });
});
