/**
 * `npm run demo`: a two-node simulated CMS cluster and the service on an in-memory store, in one
 * process, playing a short story and printing every banner change as the CMS receives it.
 */
import { randomUUID } from "node:crypto";
import { serve } from "@hono/node-server";
import { createStorage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import { loadConfig } from "../config.ts";
import { createApp } from "../http/app.ts";
import { createLogger } from "../service/log.ts";
import { createService } from "../service/service.ts";
import { createSimCluster, linkNodes, postCdr, serveSimNode, type SimNode } from "../sim/index.ts";

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const step = (text: string) => console.log(`\n▶ ${text}`);

async function main() {
  const cluster = createSimCluster({ nodes: ["cb-a", "cb-b"], username: "demo", password: "demo-password" });
  const served = await Promise.all(cluster.nodes.map((n) => serveSimNode(n)));
  const loaded = loadConfig({
    CMS_NODES: cluster.nodes.map((n, i) => `${n.name}=${served[i]!.url}`).join(","),
    CMS_USERNAME: "demo",
    CMS_PASSWORD: "demo-password",
    STORAGE: "memory",
    RECONCILE_INTERVAL_S: "0",
    LOG_LEVEL: "warn",
  });
  if (!loaded.ok) throw new Error(loaded.errors.join("; "));
  const names = new Map<string, string>();
  const service = createService({
    config: loaded.config,
    storage: createStorage({ driver: memoryDriver() }),
    log: createLogger({ level: "warn", write: (l) => console.log(l), now: Date.now }),
    onBannerChange: (c) => {
      const t = new Date(c.at).toISOString().slice(11, 19);
      console.log(`  ${t}  ${c.node}  ${(names.get(c.callId) ?? c.callId).padEnd(30)} "${c.from}" → "${c.to}"\n            because ${c.cause}`);
    },
  });
  const server = serve({ fetch: createApp(service).fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((r) => server.once("listening", r));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  console.log(`cms-notify demo: service at ${url}, simulated Call Bridges cb-a ${served[0]!.url} and cb-b ${served[1]!.url}`);
  await service.reconcile("start-up");

  const send = async (node: SimNode, records: string[]) => {
    const res = await postCdr(`${url}/cdr/${node.name}`, node.records(records));
    if (res.status !== 200) throw new Error(`CDR batch refused: ${res.status} ${await res.text()}`);
    await service.applier.idle();
    await pause(600);
  };
  const a = cluster.node("cb-a");
  const b = cluster.node("cb-b");

  step('"Weekly sync" starts on cb-a; Alice and Bob (internal) join — no banner is needed');
  const sync = a.startCall({ name: "Weekly sync" });
  names.set(sync.call.id, "Weekly sync");
  const alice = a.addLeg(sync.call.id, { displayName: "Alice Andersson", remoteParty: "alice@corp.example", type: "acano" });
  const bob = a.addLeg(sync.call.id, { displayName: "Bob (room 4.12)", remoteParty: "sip:room412@corp.example", type: "sip" });
  await send(a, [...sync.records, ...alice.records, ...bob.records]);

  step("A visitor joins through the web app");
  const visitor = a.addLeg(sync.call.id, { displayName: "Visitor Vera", type: "acano", subType: "webApp", guestConnection: true });
  await send(a, visitor.records);

  step('"Project Falcon - RESTRICTED" starts on cb-a');
  const falcon = a.startCall({ name: "Project Falcon - RESTRICTED" });
  names.set(falcon.call.id, "Project Falcon - RESTRICTED");
  await send(a, [...falcon.records, ...a.addLeg(falcon.call.id, { displayName: "Carol", remoteParty: "carol@corp.example", type: "acano" }).records]);

  step("The visitor leaves the weekly sync");
  await send(a, a.removeLeg(visitor.leg.id));

  step('"All hands" is spread over cb-a and cb-b; a web guest joins on cb-b');
  const correlator = randomUUID();
  const onA = a.startCall({ name: "All hands", correlator });
  const onB = b.startCall({ name: "All hands", correlator });
  names.set(onA.call.id, "All hands (cb-a instance)");
  names.set(onB.call.id, "All hands (cb-b instance)");
  const link = linkNodes(a, onA.call.id, b, onB.call.id);
  await send(a, [...onA.records, ...link.recordsA]);
  await send(b, [...onB.records, ...link.recordsB, ...b.addLeg(onB.call.id, { displayName: "Guest Gus", type: "acano", subType: "webApp" }).records]);

  step("Every meeting ends");
  for (const call of [sync.call, falcon.call, onA.call]) await send(a, a.endCall(call.id));
  await send(b, b.endCall(onB.call.id));

  const left = (await service.state.allCalls()).length;
  console.log(`\nDone: ${cluster.nodes.reduce((n, node) => n + node.puts.length, 0)} banner writes, ${left} calls left in the store.`);
  await service.stop();
  server.close();
  await Promise.all(served.map((s) => s.close()));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
