/**
 * The shared store goes away: /cdr answers 503 (CMS keeps the batch) and /readyz says why; when
 * it is back, the re-sent batch is applied and the banner is right.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { redisMissing, startPrivateRedis, type PrivateRedis } from "../helpers/redis.ts";
import { startService, type ServiceProcess } from "../helpers/service-process.ts";
import { startSimCluster, type ServedCluster } from "../helpers/sim-cluster.ts";
import { eventually } from "../helpers/wait.ts";

const skip = redisMissing("binary");
let sim: ServedCluster;
let svc: ServiceProcess;
let redis: PrivateRedis;

before(async () => {
  if (skip) return;
  sim = await startSimCluster(["cb-a"]);
  redis = await startPrivateRedis();
  svc = await startService({ ...sim.env, STORAGE: redis.url(0) });
});
after(async () => {
  if (skip) return;
  await svc.stop();
  await redis.stop();
  await sim.close();
});

test("Redis frozen → 503 within the command timeout, /readyz 503 with the reason; thawed → re-sent batch applied", { skip }, async () => {
  const a = sim.cluster.node("cb-a");
  const { call, records } = a.startCall({ name: "Redis outage" });
  assert.equal((await svc.post("/cdr/cb-a", a.records(records))).status, 200);
  const batch = a.records(a.addLeg(call.id, { displayName: "G", subType: "webApp", type: "acano" }).records);

  redis.pause();
  try {
    const t0 = performance.now();
    const res = await svc.post("/cdr/cb-a", batch);
    assert.equal(res.status, 503);
    assert.ok(performance.now() - t0 < 5000, "answered, not hung");
    const ready = await svc.get("/readyz");
    assert.equal(ready.status, 503);
    assert.match(((await ready.json()) as { store: string }).store, /store .* failed/);
  } finally {
    redis.resume();
  }
  await eventually(async () => (await svc.get("/readyz")).status === 200, { what: "ready again" });
  assert.equal((await svc.post("/cdr/cb-a", batch)).status, 200);
  await eventually(() => call.message?.text === "External Participant(s) in Meeting", { what: "banner after Redis came back" });
});
