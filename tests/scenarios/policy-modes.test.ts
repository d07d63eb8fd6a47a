/** The later original's security levels, domain lists, and configurable texts. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startService, type ServiceProcess } from "../helpers/service-process.ts";
import { startSimCluster, type ServedCluster } from "../helpers/sim-cluster.ts";
import { eventually } from "../helpers/wait.ts";

let sim: ServedCluster;
let svc: ServiceProcess;

before(async () => {
  sim = await startSimCluster(["cb-a"]);
  svc = await startService({
    ...sim.env,
    STORAGE: "memory",
    BANNER_MODE: "levels",
    SECURE_DOMAINS: "secure.corp.example",
    INTERNAL_DOMAINS: "corp.example",
    BANNER_POSITION: "top",
  });
});
after(async () => {
  await svc.stop();
  await sim.close();
});

test("levels: secure only → 1, an internal joins → 2, a partner domain joins → 3; never a substring match", async () => {
  const a = sim.cluster.node("cb-a");
  const { call, records } = a.startCall({ name: "Levels" });
  const sec = a.addLeg(call.id, { displayName: "Vault", remoteParty: "sip:vault@secure.corp.example", type: "sip" });
  await svc.post("/cdr/cb-a", a.records(records, sec.records));
  await eventually(() => call.message?.text === "Security Level 1", { what: "level 1" });
  assert.equal(call.message!.position, "top");

  const internal = a.addLeg(call.id, { displayName: "Dev", remoteParty: "dev@eu.corp.example", type: "sip" });
  await svc.post("/cdr/cb-a", a.records(internal.records));
  await eventually(() => call.message?.text === "Security Level 2", { what: "level 2" });

  const evil = a.addLeg(call.id, { displayName: "Evil", remoteParty: "mallory@evil-corp.example", type: "sip" });
  await svc.post("/cdr/cb-a", a.records(evil.records));
  await eventually(() => call.message?.text === "Security Level 3", { what: "level 3 for evil-corp.example" });
  const m = (await svc.meetings()).find((x) => x.calls[0]?.callId === call.id)!;
  assert.equal(m.legs.find((l) => l.id === evil.leg.id)!.class, "external");
  assert.match(m.legs.find((l) => l.id === evil.leg.id)!.why, /evil-corp\.example/);

  await svc.post("/cdr/cb-a", a.records(a.removeLeg(evil.leg.id)));
  await eventually(() => call.message?.text === "Security Level 2", { what: "back to level 2" });
});

test("levels on a restricted meeting prefix the restricted text", async () => {
  const a = sim.cluster.node("cb-a");
  const { call, records } = a.startCall({ name: "Merger - Restricted" });
  const g = a.addLeg(call.id, { displayName: "Guest", subType: "webApp", type: "acano" });
  await svc.post("/cdr/cb-a", a.records(records, g.records));
  await eventually(() => call.message?.text === "Restricted Meeting, Security Level 3", { what: "restricted + level 3" });
});

test("'Unrestricted lounge' is not restricted", async () => {
  const a = sim.cluster.node("cb-a");
  const { call, records } = a.startCall({ name: "Unrestricted lounge" });
  await svc.post("/cdr/cb-a", a.records(records));
  await eventually(async () => (await svc.meetings()).some((m) => m.calls[0]?.callId === call.id && !m.restricted), { what: "meeting" });
  assert.equal(call.message, null);
});
