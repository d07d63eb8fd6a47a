/**
 * What CMS really sends: re-sent batches, legs that start before their call is known, legs that
 * wait in an IVR, and a meeting whose only participant is a guest.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { useScenario } from "../helpers/scenario.ts";
import { eventually, sleep } from "../helpers/wait.ts";

const s = useScenario(["cb-a"]);

test("a re-sent batch changes nothing: a guest who left does not come back", async () => {
  const a = s.sim.cluster.node("cb-a");
  const { call, records } = a.startCall({ name: "Dedupe" });
  const guest = a.addLeg(call.id, { displayName: "Guest", subType: "webApp", type: "acano" });
  const joined = a.records(records, guest.records);
  await s.svc.post("/cdr/cb-a", joined);
  await s.svc.post("/cdr/cb-a", joined);
  await eventually(() => call.message !== null, { what: "banner" });
  const meeting = (await s.svc.meetings()).find((m) => m.calls[0]?.callId === call.id)!;
  assert.equal(meeting.counts.external, 1, "the duplicate did not count the guest twice");

  await s.svc.post("/cdr/cb-a", a.records(a.removeLeg(guest.leg.id)));
  await eventually(() => call.message === null, { what: "banner cleared" });
  // CMS lost our 200 for the join and sends it again, after the leave was processed.
  assert.equal((await s.svc.post("/cdr/cb-a", joined)).status, 200);
  await sleep(300);
  assert.equal(call.message, null, "the stale join did not bring the banner back");
  const stats = (await (await s.svc.get("/api/stats")).json()) as { counters: { name: string; value: number }[] };
  const dupes = stats.counters.find((c) => c.name === "cdr_records_duplicate")!.value;
  assert.ok(dupes >= 2 * 2, `duplicates counted (${dupes})`);
});

test("a leg whose callLegStart comes before the call is known still counts once its update names the call", async () => {
  const a = s.sim.cluster.node("cb-a");
  const { call, records } = a.startCall({ name: "Early leg" });
  const guest = a.addLeg(call.id, { displayName: "Early guest", subType: "webApp", type: "acano" }, { callKnownAtStart: false });
  // The callLegStart (no <call>) arrives first, alone, even before the callStart.
  await s.svc.post("/cdr/cb-a", a.records([guest.records[0]!]));
  await s.svc.post("/cdr/cb-a", a.records(records, guest.records.slice(1)));
  await eventually(() => call.message?.text === "External Participant(s) in Meeting", { what: "banner for the early leg" });
});

test("a guest waiting in the IVR is not a participant until the update names the call", async () => {
  const a = s.sim.cluster.node("cb-a");
  const { call, records } = a.startCall({ name: "IVR" });
  await s.svc.post("/cdr/cb-a", a.records(records));
  const guest = a.addLeg(call.id, { displayName: "IVR guest", subType: "webApp", type: "acano" }, { viaIvr: true });
  const [start, ivr, ...rest] = guest.records;
  await s.svc.post("/cdr/cb-a", a.records([start!, ivr!]));
  await sleep(300);
  assert.equal(call.message, null, "no banner while the guest is in the IVR");
  await s.svc.post("/cdr/cb-a", a.records(rest));
  await eventually(() => call.message !== null, { what: "banner once in the call" });
});

test("a meeting with only a guest in it shows the banner", async () => {
  const a = s.sim.cluster.node("cb-a");
  const { call, records } = a.startCall({ name: "Guest only" });
  const guest = a.addLeg(call.id, { displayName: "Lonely guest", type: "acano", guestConnection: true });
  await s.svc.post("/cdr/cb-a", a.records(records, guest.records));
  await eventually(() => call.message?.text === "External Participant(s) in Meeting", { what: "banner for a guestConnection guest" });
});

test("a leg whose call we never saw start: the call is looked up once, then the banner is set", async () => {
  const a = s.sim.cluster.node("cb-a");
  const { call } = a.startCall({ name: "Started while we were away - restricted" });
  const guest = a.addLeg(call.id, { displayName: "Guest", subType: "webApp", type: "acano" });
  const readsBefore = a.requests.reads;
  await s.svc.post("/cdr/cb-a", a.records(guest.records));
  await eventually(() => call.message?.text === "Restricted Meeting, External Participant(s) in Meeting", { what: "banner" });
  assert.equal(a.requests.reads - readsBefore, 1, "one GET /calls/<id> to learn the meeting");
});
