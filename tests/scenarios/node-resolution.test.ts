/**
 * Which node hosts a call when the receiver URL does not say: the batch's callBridge GUID through
 * the cluster map, or — when CMS sends no callBridge (DOMAIN §10.14) — by asking each node once.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { startService, type ServiceProcess } from "../helpers/service-process.ts";
import { startSimCluster, type ServedCluster } from "../helpers/sim-cluster.ts";
import { eventually } from "../helpers/wait.ts";

let sim: ServedCluster;
let svc: ServiceProcess;

before(async () => {
  sim = await startSimCluster(["cb-a", "cb-b"]);
  for (const n of sim.cluster.nodes) n.address = sim.urls[n.name]!;
  svc = await startService({ ...sim.env, STORAGE: "memory" });
});
after(async () => {
  await svc.stop();
  await sim.close();
});

test("POST /cdr with a callBridge attribute: the node comes from GET /callBridges and is remembered", async () => {
  const b = sim.cluster.node("cb-b");
  const { call, records } = b.startCall({ name: "Via cluster map", correlator: randomUUID() });
  const guest = b.addLeg(call.id, { displayName: "G", subType: "webApp", type: "acano" });
  assert.equal((await svc.post("/cdr", b.records(records, guest.records))).status, 200);
  await eventually(() => call.message?.text === "External Participant(s) in Meeting", { what: "banner on node B" });
  assert.ok(b.requests.log.some((r) => r.path.startsWith("/api/v1/callBridges")) || sim.cluster.node("cb-a").requests.log.some((r) => r.path.startsWith("/api/v1/callBridges")));
  assert.ok(!sim.cluster.node("cb-a").puts.some((p) => p.callId === call.id));
  const m = (await svc.meetings()).find((x) => x.calls[0]?.callId === call.id)!;
  assert.equal(m.calls[0]!.node, "cb-b");
});

test("POST /cdr without callBridge: each node is asked once for the call, and the answer is remembered", async () => {
  const b = sim.cluster.node("cb-b");
  b.includeCallBridgeInCdr = false;
  try {
    const { call, records } = b.startCall({ name: "Probe me", correlator: randomUUID() });
    const guest = b.addLeg(call.id, { displayName: "G", subType: "webApp", type: "acano" });
    await svc.post("/cdr", b.records(records, guest.records));
    await eventually(() => call.message !== null, { what: "banner via probing" });
    const probes = () => sim.cluster.nodes.reduce((n, node) => n + node.requests.log.filter((r) => r.method === "GET" && r.path === `/api/v1/calls/${call.id}`).length, 0);
    const after1 = probes();
    assert.ok(after1 >= 1 && after1 <= 2, `asked ${after1} time(s): ${JSON.stringify(sim.cluster.nodes.map((n) => [n.name, n.requests.log.filter((r) => r.path.includes(call.id))]))}`);
    // A second call from the same session needs no probing: the session is known to be node B.
    const second = b.startCall({ name: "Second", correlator: randomUUID() });
    const g2 = b.addLeg(second.call.id, { displayName: "G", subType: "webApp", type: "acano" });
    await svc.post("/cdr", b.records(second.records, g2.records));
    await eventually(() => second.call.message !== null, { what: "second banner" });
    assert.equal(sim.cluster.nodes.reduce((n, node) => n + node.requests.log.filter((r) => r.method === "GET" && r.path === `/api/v1/calls/${second.call.id}`).length, 0), 0);
  } finally {
    b.includeCallBridgeInCdr = true;
  }
});
