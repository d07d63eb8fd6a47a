/**
 * Batches about one meeting that arrive within the banner window share one banner run: one PUT,
 * with every batch's reason. A batch after the window is evaluated again.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { startSimCluster, type ServedCluster } from "../helpers/sim-cluster.ts";
import { serviceOn, type InProcess } from "./fixture.ts";

// Wide enough that two in-process POSTs always fall inside it, even on a busy machine.
const WINDOW_MS = 300;

let sim: ServedCluster;
let svc: InProcess;

before(async () => {
  sim = await startSimCluster(["cb-a"], { tls: false });
  svc = serviceOn(sim, { bannerWindowMs: WINDOW_MS, env: { BANNER_TEXT_EXTERNAL: "{external} external participant(s)" } });
});
after(async () => {
  await svc.stop();
  await sim.close();
});

test("two batches within the window: one banner run, one PUT, both reasons given", async () => {
  const a = sim.cluster.node("cb-a");
  const { call, records } = a.startCall({ name: "Window", correlator: randomUUID() });
  const ann = a.addLeg(call.id, { displayName: "Visitor Ann", type: "acano", subType: "webApp" });
  const bob = a.addLeg(call.id, { displayName: "Visitor Bob", type: "acano", subType: "webApp" });
  const t0 = performance.now();
  assert.equal(await svc.post("/cdr/cb-a", a.records(records, ann.records)), 200);
  assert.equal(await svc.post("/cdr/cb-a", a.records(bob.records)), 200);
  assert.ok(performance.now() - t0 < WINDOW_MS, "both batches were posted within the window");
  assert.equal(svc.service.applier.status().queued, 1, "the meeting waits out its window");

  await svc.service.applier.idle();
  const puts = a.puts.filter((p) => p.callId === call.id);
  assert.deepEqual(puts.map((p) => p.body.messageText), ["2 external participant(s)"], "no PUT for one guest, one for two");
  const change = svc.changes.find((c) => c.callId === call.id)!;
  assert.match(change.cause, /Visitor Ann/);
  assert.match(change.cause, /Visitor Bob/);

  const cid = a.addLeg(call.id, { displayName: "Visitor Cid", type: "acano", subType: "webApp" });
  assert.equal(await svc.post("/cdr/cb-a", a.records(cid.records)), 200);
  await svc.service.applier.idle();
  assert.deepEqual(
    a.puts.filter((p) => p.callId === call.id).map((p) => p.body.messageText),
    ["2 external participant(s)", "3 external participant(s)"],
    "a batch after the window is evaluated again",
  );
});
