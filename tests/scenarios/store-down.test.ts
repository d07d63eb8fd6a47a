/**
 * A store that cannot be written means 503 (CMS keeps the batch and sends it again) and a
 * not-ready /readyz that says why; once the store is back, the re-sent batch is applied.
 */
import assert from "node:assert/strict";
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { skipOn, startService, type ServiceProcess } from "../helpers/service-process.ts";
import { startSimCluster, type ServedCluster } from "../helpers/sim-cluster.ts";
import { eventually } from "../helpers/wait.ts";

let sim: ServedCluster;
let svc: ServiceProcess;
let root: string;
let dir: string;

const skip = skipOn(["workerd"], "its store is a Durable Object, which cannot be made unwritable from outside");

before(async () => {
  if (skip) return;
  sim = await startSimCluster(["cb-a"]);
  root = await mkdtemp(join(tmpdir(), "cms-notify-down-"));
  dir = join(root, "state");
  svc = await startService({ ...sim.env, STORAGE: `fs:${dir}` });
});
after(async () => {
  if (skip) return;
  await svc.stop();
  await sim.close();
  await rm(root, { recursive: true, force: true });
});

test("store unwritable → 503 and /readyz not ready; store back → the re-sent batch is applied", { skip }, async () => {
  const a = sim.cluster.node("cb-a");
  const { call, records } = a.startCall({ name: "Store outage" });
  await svc.post("/cdr/cb-a", a.records(records));
  await eventually(async () => (await svc.meetings()).length === 1, { what: "meeting stored" });

  // The state directory becomes a plain file: every write below it fails.
  await rename(dir, `${dir}.away`);
  await writeFile(dir, "not a directory");
  const batch = a.records(a.addLeg(call.id, { displayName: "G", subType: "webApp", type: "acano" }).records);
  const refused = await svc.post("/cdr/cb-a", batch);
  assert.equal(refused.status, 503, svc.logs.slice(-3).join("\n"));
  assert.match(await refused.text(), /store/);
  const ready = await svc.get("/readyz");
  assert.equal(ready.status, 503);
  assert.match(JSON.stringify(await ready.json()), /store/);
  assert.equal((await svc.get("/healthz")).status, 200, "alive, just not ready");

  await rm(dir);
  await rename(`${dir}.away`, dir);
  assert.equal((await svc.post("/cdr/cb-a", batch)).status, 200);
  await eventually(() => call.message?.text === "External Participant(s) in Meeting", { what: "banner after the store came back" });
  assert.equal((await svc.get("/readyz")).status, 200);
});
