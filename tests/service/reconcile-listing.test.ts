/**
 * The reconcile reads a node's calls while the rest of its list is still coming in, page by page
 * (the simulator, like CMS, answers at most 10 calls a page). A meeting still waits for every
 * node's complete list: a call that ended unseen is dropped only once its node's whole list is
 * in, and a meeting decided before that would count the ended call's participants.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { startSimCluster, type ServedCluster } from "../helpers/sim-cluster.ts";
import { serviceOn, type InProcess } from "./fixture.ts";

let sim: ServedCluster;
let svc: InProcess;
before(async () => {
  sim = await startSimCluster(["cb-a", "cb-b"], { tls: false });
  svc = serviceOn(sim, { bannerWindowMs: 0 });
});
after(async () => {
  await svc.stop();
  await sim.close();
});

const isListPage = (path: string) => /^\/api\/v1\/calls\?/.test(path);
const isCallDetail = (path: string) => /^\/api\/v1\/calls\/[^/?]+$/.test(path);

test("reconcile: calls are read while their node's list is still coming in", async () => {
  const a = sim.cluster.node("cb-a");
  const calls = Array.from({ length: 45 }, (_, i) => a.startCall({ name: `Room ${i}`, correlator: randomUUID() }).call);
  for (const call of calls) a.addLeg(call.id, { displayName: "Visitor", type: "acano", subType: "webApp" });
  a.latencyMs = 20;
  a.requests.log.length = 0;
  try {
    const report = await svc.service.reconcile("test");
    assert.equal(report?.calls, 45);
    assert.deepEqual(report?.failedNodes, []);
  } finally {
    a.latencyMs = 0;
  }
  // The log is in the order the answers went out.
  const paths = a.requests.log.filter((r) => r.method === "GET").map((r) => r.path);
  const lastPage = paths.findLastIndex(isListPage);
  const firstDetail = paths.findIndex(isCallDetail);
  assert.equal(paths.filter(isListPage).length, 5, "five pages of at most 10");
  assert.ok(firstDetail !== -1 && firstDetail < lastPage, `a call was read (at ${firstDetail}) before the last page came (at ${lastPage})`);
  await svc.service.applier.idle();
  for (const call of calls) assert.equal(call.message?.text, "External Participant(s) in Meeting", call.name);
  // Ended as CMS would tell it, so that the next test's reconcile finds only its own calls gone.
  assert.equal(await svc.post("/cdr/cb-a", a.records(calls.flatMap((call) => a.endCall(call.id)))), 200);
});

test("reconcile: a meeting waits for every complete list, so a call that ended unseen does not count", async () => {
  const a = sim.cluster.node("cb-a");
  const correlator = randomUUID();
  // Two calls of one meeting on cb-a: a guest in the first, a room in the second.
  const first = a.startCall({ name: "Board", correlator });
  const guest = a.addLeg(first.call.id, { displayName: "Visitor", type: "acano", subType: "webApp" });
  const second = a.startCall({ name: "Board", correlator });
  const room = a.addLeg(second.call.id, { displayName: "Room 4", remoteParty: "sip:room4@corp.example", type: "sip" });
  assert.equal(await svc.post("/cdr/cb-a", a.records([...first.records, ...guest.records, ...second.records, ...room.records])), 200);
  await svc.service.applier.idle();
  assert.equal(second.call.message?.text, "External Participant(s) in Meeting", "the room is told of the guest");

  // The first call ends while the service hears nothing of it. The second is on cb-a's first
  // page, and read long before the rest of cb-a's slow list is in, which the drop of the first
  // call waits for.
  a.endCall(first.call.id);
  const fillers = Array.from({ length: 40 }, (_, i) => a.startCall({ name: `Filler ${i}` }).call);
  a.latencyMs = 40;
  try {
    const report = await svc.service.reconcile("test");
    assert.equal(report?.callsRemoved, 1);
  } finally {
    a.latencyMs = 0;
  }
  await svc.service.applier.idle();
  assert.equal(second.call.message?.text ?? "", "", "no guest is left in the meeting: the banner is cleared");
  const puts = a.puts.filter((p) => p.callId === second.call.id);
  assert.equal(puts.length, 2, "one write to set, one to clear");
  for (const call of [second.call, ...fillers]) a.endCall(call.id);
});
