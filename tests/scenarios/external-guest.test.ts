/** The original tool's core promise: a web-app guest joining makes the banner appear; leaving clears it. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { useScenario } from "../helpers/scenario.ts";
import { eventually } from "../helpers/wait.ts";

const s = useScenario(["cb-a"]);

test("web app guest joins: banner at the bottom, permanent; guest leaves: banner cleared", async () => {
  const a = s.sim.cluster.node("cb-a");
  const { call, records: start } = a.startCall({ name: "Weekly sync" });
  const alice = a.addLeg(call.id, { displayName: "Alice", remoteParty: "alice@corp.example", type: "acano" });
  assert.equal((await s.svc.post("/cdr/cb-a", a.records(start, alice.records))).status, 200);

  const m0 = await eventually(async () => (await s.svc.meetings()).find((m) => m.calls.some((c) => c.callId === call.id)), { what: "the meeting" });
  assert.equal(m0.desired, null);
  assert.equal(a.puts.length, 0, "no write for a meeting that needs no banner");

  const guest = a.addLeg(call.id, { displayName: "Visitor Bob", type: "acano", subType: "webApp", guestConnection: true });
  const res = await s.svc.post("/cdr/cb-a", a.records(guest.records));
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "");

  await eventually(() => call.message?.text === "External Participant(s) in Meeting", { what: "the external banner" });
  assert.deepEqual(call.message, { text: "External Participant(s) in Meeting", position: "bottom", duration: "permanent" });

  assert.equal((await s.svc.post("/cdr/cb-a", a.records(a.removeLeg(guest.leg.id)))).status, 200);
  await eventually(() => call.message === null, { what: "the banner to clear" });
  assert.equal(a.puts.length, 2, "exactly one write to set and one to clear");
  assert.equal(a.puts[1]!.body.messageText, "");
  assert.equal(a.puts[1]!.body.messageDuration, "0");

  const changes = await eventually(() => {
    const c = s.svc.events().filter((e) => e.msg === "banner changed");
    return c.length >= 2 && c;
  }, { what: "two banner-change log lines" });
  assert.equal(changes.length, 2);
  assert.equal(changes[0]!.to, "External Participant(s) in Meeting");
  assert.match(String(changes[0]!.cause), /Visitor Bob/);
});

test("a meeting that ends leaves nothing behind", async () => {
  const a = s.sim.cluster.node("cb-a");
  const { call, records: start } = a.startCall({ name: "Short one" });
  const g = a.addLeg(call.id, { displayName: "Guest", subType: "webApp", type: "acano" });
  await s.svc.post("/cdr/cb-a", a.records(start, g.records));
  await eventually(() => call.message !== null, { what: "banner" });
  await s.svc.post("/cdr/cb-a", a.records(a.endCall(call.id)));
  await eventually(async () => !(await s.svc.meetings()).some((m) => m.calls.some((c) => c.callId === call.id)), { what: "meeting gone" });
});
