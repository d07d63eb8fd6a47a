/** An operator's own message on a call is never cleared or overwritten by the service. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startService, type ServiceProcess } from "../helpers/service-process.ts";
import { startSimCluster, type ServedCluster } from "../helpers/sim-cluster.ts";
import { eventually, sleep } from "../helpers/wait.ts";

let sim: ServedCluster;
let svc: ServiceProcess;
const OPERATOR = { text: "Fire drill at 11:00 - please stay connected", position: "top" as const, duration: "permanent" as const };

before(async () => {
  sim = await startSimCluster(["cb-a"]);
});
after(async () => {
  await svc?.stop();
  await sim.close();
});

test("a message the operator set before we started stays when a guest joins, and stays when the guest leaves", async () => {
  const a = sim.cluster.node("cb-a");
  const { call, records } = a.startCall({ name: "All hands" });
  call.message = { ...OPERATOR };
  svc = await startService({ ...sim.env, STORAGE: "memory" });
  await eventually(() => svc.events().some((e) => e.msg === "reconciled"), { what: "start-up reconcile" });

  const guest = a.addLeg(call.id, { displayName: "Guest", subType: "webApp", type: "acano" });
  await svc.post("/cdr/cb-a", a.records(records, guest.records));
  await eventually(async () => (await svc.meetings()).find((m) => m.calls[0]?.callId === call.id)?.counts.external === 1, { what: "guest counted" });
  await sleep(300);
  assert.deepEqual(call.message, OPERATOR);
  await svc.post("/cdr/cb-a", a.records(a.removeLeg(guest.leg.id)));
  await sleep(300);
  assert.deepEqual(call.message, OPERATOR);
  assert.equal(a.puts.filter((p) => p.callId === call.id).length, 0, "not a single write to that call");
  const meeting = (await svc.meetings()).find((m) => m.calls[0]?.callId === call.id)!;
  assert.equal(meeting.calls[0]!.operatorMessage, OPERATOR.text);
  assert.ok(svc.events().some((e) => e.msg === "operator's own message on call; leaving it alone"));
});

test("an operator who replaces our banner keeps their message when the guest leaves; once it is gone, banners resume", async () => {
  await svc.stop();
  svc = await startService({ ...sim.env, STORAGE: "memory", RECONCILE_INTERVAL_S: "1" });
  const a = sim.cluster.node("cb-a");
  const { call, records } = a.startCall({ name: "Town hall" });
  const guest = a.addLeg(call.id, { displayName: "G", subType: "webApp", type: "acano" });
  await svc.post("/cdr/cb-a", a.records(records, guest.records));
  await eventually(() => call.message?.text === "External Participant(s) in Meeting", { what: "our banner" });

  call.message = { ...OPERATOR };
  await eventually(async () => (await svc.meetings()).find((m) => m.calls[0]?.callId === call.id)?.calls[0]?.operatorMessage === OPERATOR.text, { what: "the reconcile to notice the operator's message" });
  await svc.post("/cdr/cb-a", a.records(a.removeLeg(guest.leg.id)));
  await sleep(300);
  assert.deepEqual(call.message, OPERATOR, "our clear did not remove the operator's message");

  call.message = null;
  await eventually(async () => (await svc.meetings()).find((m) => m.calls[0]?.callId === call.id)?.calls[0]?.operatorMessage === null, { what: "the reconcile to notice it went" });
  await svc.post("/cdr/cb-a", a.records(a.addLeg(call.id, { displayName: "G2", subType: "webApp", type: "acano" }).records));
  await eventually(() => call.message?.text === "External Participant(s) in Meeting", { what: "banner again" });
});

test("with CMS_READ_BEFORE_WRITE=true, a message set a moment ago — before any reconcile saw it — is not overwritten", async () => {
  await svc.stop();
  svc = await startService({ ...sim.env, STORAGE: "memory", CMS_READ_BEFORE_WRITE: "true" });
  await eventually(() => svc.events().some((e) => e.msg === "reconciled"), { what: "start-up reconcile" });
  const a = sim.cluster.node("cb-a");
  const { call, records } = a.startCall({ name: "Fresh message" });
  await svc.post("/cdr/cb-a", a.records(records));
  call.message = { ...OPERATOR };
  await svc.post("/cdr/cb-a", a.records(a.addLeg(call.id, { displayName: "G", subType: "webApp", type: "acano" }).records));
  await eventually(async () => (await svc.meetings()).find((m) => m.calls[0]?.callId === call.id)?.calls[0]?.operatorMessage === OPERATOR.text, { what: "message noticed before writing" });
  assert.deepEqual(call.message, OPERATOR);
  assert.equal(a.puts.filter((p) => p.callId === call.id).length, 0);
});
