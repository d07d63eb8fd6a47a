/**
 * The CMS API fails, and records get lost: writes are retried, and the reconciler heals what the
 * CDRs could not tell us.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { useScenario } from "../helpers/scenario.ts";
import { eventually } from "../helpers/wait.ts";

const s = useScenario(["cb-a"]);

test("a PUT that fails with 503 and 500 is retried until the banner is set; the CDR was still acknowledged", async () => {
  const a = s.sim.cluster.node("cb-a");
  const { call, records } = a.startCall({ name: "Flaky API" });
  const guest = a.addLeg(call.id, { displayName: "Guest", subType: "webApp", type: "acano" });
  a.fail({ method: "PUT", path: new RegExp(call.id), status: 503, times: 2 });
  a.fail({ method: "PUT", path: new RegExp(call.id), status: 500, times: 1 });
  assert.equal((await s.svc.post("/cdr/cb-a", a.records(records, guest.records))).status, 200);
  await eventually(() => call.message?.text === "External Participant(s) in Meeting", { what: "banner after retries", timeoutMs: 15_000 });
  const attempts = a.puts.filter((p) => p.callId === call.id);
  assert.deepEqual(attempts.map((p) => p.status), [503, 503, 500, 200]);
});

test("records lost while we were unreachable: numPreceedingRecordsMissing triggers a reconcile that clears the banner of a guest who left", async () => {
  const a = s.sim.cluster.node("cb-a");
  const { call, records } = a.startCall({ name: "Outage" });
  const guest = a.addLeg(call.id, { displayName: "Guest", subType: "webApp", type: "acano" });
  await s.svc.post("/cdr/cb-a", a.records(records, guest.records));
  await eventually(() => call.message !== null, { what: "banner" });

  // The guest leaves while CMS cannot reach us and its buffer overflows: the records are gone.
  a.removeLeg(guest.leg.id);
  a.dropRecords(1);
  const other = a.startCall({ name: "Unrelated" });
  assert.equal((await s.svc.post("/cdr/cb-a", a.records(other.records))).status, 200);
  await eventually(() => call.message === null, { what: "banner cleared by the reconcile" });
  // Polled: on workerd the log lines travel through wrangler and can trail the effect they report.
  await eventually(() => s.svc.events().some((e) => e.msg === "reconciled" && e.reason === "records missing"), { what: "the reconcile logged" });
});

test("a call that ended unseen is forgotten when its PUT answers callDoesNotExist (404 or 400)", async () => {
  for (const status of [404, 400] as const) {
    const a = s.sim.cluster.node("cb-a");
    a.goneStatus = status;
    const { call, records } = a.startCall({ name: `Vanishing ${status}` });
    const guest = a.addLeg(call.id, { displayName: "Late guest", subType: "webApp", type: "acano" });
    const res = await s.svc.post("/cdr/cb-a", a.records(records));
    assert.equal(res.status, 200);
    await eventually(async () => (await s.svc.meetings()).some((m) => m.calls[0]?.callId === call.id), { what: "meeting known" });
    a.endCall(call.id); // CMS ends the call; those records never reach us.
    const writes = a.puts.length;
    await s.svc.post("/cdr/cb-a", a.records(guest.records)); // a late record still names the call
    await eventually(async () => !(await s.svc.meetings()).some((m) => m.calls[0]?.callId === call.id), { what: `call forgotten after ${status}` });
    assert.equal(a.puts.length, writes + 1, "one refused write, no retry storm");
    assert.equal(a.puts.at(-1)!.status, status);
  }
  s.sim.cluster.node("cb-a").goneStatus = 404;
});
