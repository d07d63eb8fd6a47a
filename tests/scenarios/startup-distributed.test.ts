/**
 * A cold start meets a meeting spread over two Call Bridges, one of them slow to answer. The
 * meeting must be decided on both its calls: decided on node A's call alone, it would first get
 * A's banner and then another once B's call is read (a reconcile that handed each meeting to the
 * applier per call read failed this test). One PUT per node-call, with the whole meeting's text.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { startService } from "../helpers/service-process.ts";
import { startSimCluster, type ServedCluster } from "../helpers/sim-cluster.ts";
import { eventually } from "../helpers/wait.ts";

let sim: ServedCluster;

before(async () => {
  sim = await startSimCluster(["cb-a", "cb-b"]);
});
after(async () => {
  await sim.close();
});

test("a restricted meeting on two nodes with its guest on the slower one: one PUT per node-call, the combined text", async () => {
  const a = sim.cluster.node("cb-a");
  const b = sim.cluster.node("cb-b");
  const correlator = randomUUID();
  const onA = a.startCall({ name: "Project Falcon - RESTRICTED", correlator });
  a.addLeg(onA.call.id, { displayName: "Alice", remoteParty: "alice@corp.example", type: "acano" });
  const onB = b.startCall({ name: "Project Falcon - RESTRICTED", correlator });
  b.addLeg(onB.call.id, { displayName: "Visitor", type: "acano", subType: "webApp" });
  // Node A's call is read long before node B's, whose every answer waits.
  b.latencyMs = 150;
  // A call of its own on node A, quick to read: whatever else happens, it is decided early.
  const solo = a.startCall({ name: "Solo - Restricted" });

  const svc = await startService({ ...sim.env, STORAGE: "memory" });
  try {
    const both = "Restricted Meeting, External Participant(s) in Meeting";
    await eventually(() => onA.call.message?.text === both && onB.call.message?.text === both, { what: "combined banner on both nodes", timeoutMs: 15_000 });
    await eventually(() => solo.call.message?.text === "Restricted Meeting", { what: "the solo call's banner" });
    const putsOn = (node: typeof a, callId: string) => node.puts.filter((p) => p.callId === callId).map((p) => p.body["messageText"]);
    assert.deepEqual(putsOn(a, onA.call.id), [both], "node A's call written once, with the whole meeting's text");
    assert.deepEqual(putsOn(b, onB.call.id), [both]);
  } finally {
    await svc.stop();
    b.latencyMs = 0;
  }
});

test("a node's calls are read while the rest of its list is still being read", async () => {
  const own = await startSimCluster(["cb-p"]);
  const p = own.cluster.node("cb-p");
  // Five pages at the simulator's cap of 10, each answer 40 ms late: the list alone takes 0.2 s.
  const calls = Array.from({ length: 50 }, (_, i) => p.startCall({ name: `Room ${i}` }));
  for (const { call } of calls) p.addLeg(call.id, { displayName: "Guest", type: "acano", subType: "webApp" });
  p.latencyMs = 40;
  const svc = await startService({ ...own.env, STORAGE: "memory" });
  try {
    await eventually(() => calls.every(({ call }) => call.message?.text === "External Participant(s) in Meeting"), { what: "every call's banner", timeoutMs: 20_000 });
    const gets = p.requests.log.filter((r) => r.method === "GET").map((r) => r.path);
    const lastPage = gets.findLastIndex((path) => path.startsWith("/api/v1/calls?"));
    const firstDetail = gets.findIndex((path) => /^\/api\/v1\/calls\/[^/?]+$/.test(path));
    assert.ok(gets.filter((path) => path.startsWith("/api/v1/calls?")).length >= 5, "the list took several pages");
    assert.ok(firstDetail !== -1 && firstDetail < lastPage, `a call was read before the list's last page was answered (first call read #${firstDetail}, last page #${lastPage})`);
    assert.equal(p.puts.length, 50, "one PUT per call");
  } finally {
    await svc.stop();
    await own.close();
  }
});
