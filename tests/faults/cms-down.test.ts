/**
 * The CMS API is down, slow beyond the timeout, or answering 503: CDRs are still accepted and
 * stored, writes keep being retried with capped backoff, and once the API is back every banner
 * converges without a new CDR.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startService, type ServiceProcess } from "../helpers/service-process.ts";
import { startSimCluster, type ServedCluster } from "../helpers/sim-cluster.ts";
import { eventually, sleep } from "../helpers/wait.ts";

let sim: ServedCluster;
let svc: ServiceProcess;

before(async () => {
  sim = await startSimCluster(["cb-a"]);
  svc = await startService({ ...sim.env, STORAGE: "memory", CMS_TIMEOUT_MS: "300", APPLY_RETRY_MAX_S: "1" });
  await eventually(() => svc.events().some((e) => e.msg === "reconciled"), { what: "start-up reconcile" });
});
after(async () => {
  await svc.stop();
  await sim.close();
});

const outages = [
  ["down (connections reset)", { reset: true }],
  ["slow beyond the timeout", { delayMs: 1500 }],
  ["answering 503", { status: 503 }],
] as const;

for (const [name, rule] of outages) {
  test(`API ${name}: CDRs accepted, writes retried, banner converges once the API is back`, async () => {
    const a = sim.cluster.node("cb-a");
    const { call, records } = a.startCall({ name: `Outage: ${name}` });
    a.fail({ ...rule, method: "PUT", times: Infinity });
    const res = await svc.post("/cdr/cb-a", a.records(records, a.addLeg(call.id, { displayName: "G", subType: "webApp", type: "acano" }).records));
    assert.equal(res.status, 200, "the CDR is accepted while the API is out");
    await eventually(() => a.puts.filter((p) => p.callId === call.id).length >= 3, { what: "several attempts", timeoutMs: 15_000 });
    if (!("delayMs" in rule)) assert.equal(call.message, null, JSON.stringify(a.puts.filter((p) => p.callId === call.id)));
    const meeting = (await svc.meetings()).find((m) => m.calls[0]?.callId === call.id)!;
    assert.equal(meeting.counts.external, 1, "the state was stored");
    await eventually(() => svc.events().some((e) => e.msg === "banner work failed; will retry" && String(e.work).includes(meeting.id)), { what: "the failure logged" });

    a.clearFailures();
    await eventually(() => call.message?.text === "External Participant(s) in Meeting", { what: "banner after recovery", timeoutMs: 10_000 });
    await eventually(async () => (await svc.meetings()).find((m) => m.id === meeting.id)?.calls[0]?.applied?.text === "External Participant(s) in Meeting", { what: "recorded as applied" });
    await sleep(1600); // requests the slow API was still sitting on finish and are logged by the sim
    const settled = a.puts.length;
    await sleep(1500);
    assert.equal(a.puts.length, settled, "no writes after convergence");
  });
}
