/**
 * The service process dies or is told to stop. SIGKILL in the middle of the CDR stream: after a
 * restart, with CMS re-sending what was not acknowledged, nothing acknowledged is lost and nothing
 * half-written is read back. SIGTERM: the batch in hand and its banner writes finish first.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { journalState } from "../helpers/fs-store.ts";
import { startService } from "../helpers/service-process.ts";
import { startSimCluster, type ServedCluster } from "../helpers/sim-cluster.ts";
import { eventually } from "../helpers/wait.ts";

let sim: ServedCluster;
let dir: string;

before(async () => {
  sim = await startSimCluster(["cb-a"]);
  dir = await mkdtemp(join(tmpdir(), "cms-notify-kill-"));
});
after(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

test("SIGKILL mid-stream with the fs store: after restart and CMS's re-send, the state matches the CMS exactly", async () => {
  const a = sim.cluster.node("cb-a");
  // The whole story up front: 40 meetings; everyone joins, half get a guest, a quarter end.
  const batches: string[] = [];
  const calls = [];
  for (let i = 0; i < 40; i++) {
    const { call, records } = a.startCall({ name: `Meeting ${i}` });
    calls.push(call);
    const legs = [0, 1].map((n) => a.addLeg(call.id, { displayName: `P${i}.${n}`, remoteParty: `p${n}@corp.example`, type: "sip" }));
    batches.push(a.records(records, ...legs.map((l) => l.records)));
    if (i % 2 === 0) batches.push(a.records(a.addLeg(call.id, { displayName: `Guest ${i}`, subType: "webApp", type: "acano" }).records));
    if (i % 4 === 1) batches.push(a.records(a.removeLeg(legs[0]!.leg.id)));
    if (i % 4 === 3) batches.push(a.records(a.endCall(call.id)));
  }

  const env = { ...sim.env, STORAGE: `fs:${dir}` };
  let svc = await startService(env);
  let acked = 0;
  let killed = false;
  const killer = setTimeout(() => {
    killed = true;
    void svc.kill();
  }, 150);
  // CMS posts one batch at a time and moves on only after a 200.
  while (acked < batches.length) {
    try {
      const res = await svc.post("/cdr/cb-a", batches[acked]!);
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      acked++;
    } catch {
      if (!killed) throw new Error("a batch failed before the kill");
      break;
    }
  }
  clearTimeout(killer);
  await svc.kill();
  assert.ok(acked < batches.length, `the kill landed mid-stream (${acked}/${batches.length} acknowledged)`);

  // What the next start loads: the journal replayed, without the torn last line a kill mid-append leaves.
  for (const [key, text] of await journalState(dir)) {
    assert.ok(text.length > 0, `${key} is empty`);
    // Documents are JSON (a half-written one would not parse); pointers are packed call ids (store/id-codec.ts).
    if (/^[[{]/.test(text)) JSON.parse(text);
    else assert.match(text, /^~?[\w-]+$/, `${key} holds ${text}`);
  }

  svc = await startService(env);
  try {
    for (; acked < batches.length; acked++) assert.equal((await svc.post("/cdr/cb-a", batches[acked]!)).status, 200);
    const live = calls.filter((c) => a.calls.has(c.id));
    await eventually(async () => {
      const meetings = await svc.meetings();
      return live.every((c) => {
        const m = meetings.find((x) => x.calls[0]?.callId === c.id);
        const ids = m?.legs.map((l) => l.id).sort();
        return JSON.stringify(ids) === JSON.stringify([...c.legs.keys()].sort());
      }) && meetings.length === live.length;
    }, { what: "the stored legs of every live call to equal the CMS's" });
    await eventually(() => live.every((c) => (c.message !== null) === [...c.legs.values()].some((l) => l.subType === "webApp")), { what: "every banner right" });
  } finally {
    await svc.stop();
  }
});

test("SIGTERM: stops accepting, finishes the banner write in hand, exits 0", async () => {
  const a = sim.cluster.node("cb-a");
  const svc = await startService({ ...sim.env, STORAGE: "memory" });
  a.latencyMs = 400;
  try {
    const { call, records } = a.startCall({ name: "Graceful" });
    const res = await svc.post("/cdr/cb-a", a.records(records, a.addLeg(call.id, { displayName: "G", subType: "webApp", type: "acano" }).records));
    assert.equal(res.status, 200);
    const t0 = performance.now();
    const code = await svc.stop();
    const ms = performance.now() - t0;
    assert.equal(code, 0);
    assert.equal(call.message?.text, "External Participant(s) in Meeting", "the write in hand was finished before exit");
    assert.ok(ms < 6000, `stopped within the grace period (${ms.toFixed(0)} ms)`);
    await assert.rejects(fetch(`${svc.url}/healthz`), "no longer accepting");
  } finally {
    a.latencyMs = 0;
  }
});
