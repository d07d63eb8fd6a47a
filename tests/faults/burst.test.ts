/**
 * A burst: 20,000 meetings start and end through one instance. Afterwards the store holds nothing
 * for them and the heap is back where it started. Runs in-process so the heap can be measured.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import v8 from "node:v8";
import vm from "node:vm";
import { serve } from "@hono/node-server";
import { createStorage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import { loadConfig } from "../../src/config.ts";
import { createApp } from "../../src/http/app.ts";
import { createLogger } from "../../src/service/log.ts";
import { createService } from "../../src/service/service.ts";
import { createSimCluster, serveSimNode } from "../../src/sim/index.ts";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;
const heapMiB = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

test("20,000 meetings start and end: no keys left for them, heap back to its starting level", { timeout: 180_000 }, async () => {
  const cluster = createSimCluster({ nodes: ["cb-a"], username: "u", password: "p" });
  const a = cluster.node("cb-a");
  const simServer = await serveSimNode(a);
  const loaded = loadConfig({ CMS_NODES: `cb-a=${simServer.url}`, CMS_USERNAME: "u", CMS_PASSWORD: "p", STORAGE: "memory", RECONCILE_INTERVAL_S: "0" });
  assert.ok(loaded.ok);
  const storage = createStorage({ driver: memoryDriver() });
  const service = createService({ config: loaded.config, storage, log: createLogger({ level: "error", write: () => {}, now: Date.now }) });
  const server = serve({ fetch: createApp(service).fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((r) => server.once("listening", r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/cdr/cb-a`;

  const play = async (from: number, to: number) => {
    let pending: string[] = [];
    for (let i = from; i < to; i++) {
      const { call, records } = a.startCall({ name: `Burst ${i}` });
      const host = a.addLeg(call.id, { displayName: "Host", remoteParty: "host@corp.example", type: "sip" });
      pending.push(...records, ...host.records);
      if (i % 10 === 0) pending.push(...a.addLeg(call.id, { displayName: "Guest", subType: "webApp", type: "acano" }).records);
      pending.push(...a.endCall(call.id));
      if (pending.length >= 50 || i === to - 1) {
        const res = await fetch(url, { method: "POST", body: a.records(pending), headers: { "content-type": "text/xml" } });
        assert.equal(res.status, 200);
        pending = [];
      }
    }
    await service.applier.idle();
  };

  await play(0, 500); // warm-up: code paths compiled, pools filled
  a.requests.log.length = 0;
  a.puts.length = 0;
  const keysBefore = (await storage.getKeys()).length;
  const heapBefore = heapMiB();
  const t0 = performance.now();
  await play(500, 20_500);
  const seconds = (performance.now() - t0) / 1000;
  a.requests.log.length = 0;
  a.puts.length = 0;
  const keys = await storage.getKeys();
  const heapAfter = heapMiB();
  console.log(`burst: 20,000 meetings in ${seconds.toFixed(1)} s; store keys before ${keysBefore}, after ${keys.length} (${keys.join(", ")}); heap before ${heapBefore.toFixed(1)} MiB, after ${heapAfter.toFixed(1)} MiB`);

  assert.deepEqual(keys.filter((k) => !k.startsWith("h:") && k !== "health" && k !== "k"), [], "nothing left per meeting");
  assert.equal(keys.length, keysBefore, "the same handful of per-node keys as before");
  assert.ok(heapAfter - heapBefore < 8, `heap grew by ${(heapAfter - heapBefore).toFixed(1)} MiB`);

  await service.stop();
  server.close();
  await simServer.close();
});
