/**
 * Two instances sharing one Redis, behind a round-robin front, give exactly the banners one
 * instance gives — while two Call Bridges post concurrently, with re-sent batches, some of them
 * re-sent while the first copy is still being processed, and reconciles running all along.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { once } from "node:events";
import { after, before, test } from "node:test";
import Redis from "ioredis";
import { linkNodes, type SimCall, type SimNode } from "../../src/sim/index.ts";
import { redisMissing, sharedRedis } from "../helpers/redis.ts";
import { startService, type ServiceProcess } from "../helpers/service-process.ts";
import { startSimCluster, type ServedCluster } from "../helpers/sim-cluster.ts";
import { eventually } from "../helpers/wait.ts";

const skip = redisMissing("url");
let sim: ServedCluster;
let redis: { url: string; stop(): Promise<void> };
let instances: ServiceProcess[] = [];
let front: Server;
let frontUrl: string;

/** A load balancer in miniature: each request goes to the next instance in turn. */
async function startFront(targets: string[]): Promise<Server> {
  let next = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const target = targets[next++ % targets.length]!;
    try {
      const r = await fetch(target + req.url, { method: req.method, headers: { "content-type": req.headers["content-type"] ?? "text/xml" }, body: req.method === "POST" ? Buffer.concat(chunks) : undefined });
      res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "text/plain" });
      res.end(Buffer.from(await r.arrayBuffer()));
    } catch {
      res.writeHead(502).end();
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return server;
}

before(async () => {
  if (skip) return;
  sim = await startSimCluster(["cb-a", "cb-b"]);
  redis = await sharedRedis(1);
  const client = new Redis(redis.url);
  await client.flushdb();
  await client.quit();
  const env = { ...sim.env, STORAGE: redis.url, RECONCILE_INTERVAL_S: "1" };
  instances = await Promise.all([startService(env), startService(env)]);
  front = await startFront(instances.map((i) => i.url));
  frontUrl = `http://127.0.0.1:${(front.address() as { port: number }).port}`;
});
after(async () => {
  if (skip) return;
  front?.close();
  await Promise.all(instances.map((i) => i.stop()));
  await redis.stop();
  await sim.close();
});

test("concurrent, interleaved, duplicated batches from two nodes through two instances converge to the single-instance result", { skip }, async () => {
  const a = sim.cluster.node("cb-a");
  const b = sim.cluster.node("cb-b");
  const streams = new Map<SimNode, string[]>([[a, []], [b, []]]);
  const meetings: SimCall[][] = [];
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

  for (let i = 0; i < 16; i++) {
    const correlator = randomUUID();
    const onA = a.startCall({ name: `Meeting ${i}${i % 5 === 0 ? " - restricted" : ""}`, correlator });
    const instances_ = [onA.call];
    streams.get(a)!.push(a.records(onA.records, a.addLeg(onA.call.id, { displayName: `Host ${i}`, remoteParty: "host@corp.example", type: "acano" }).records));
    if (i % 2 === 0) {
      const onB = b.startCall({ name: `Meeting ${i}${i % 5 === 0 ? " - restricted" : ""}`, correlator });
      const link = linkNodes(a, onA.call.id, b, onB.call.id);
      streams.get(a)!.push(a.records(link.recordsA));
      streams.get(b)!.push(b.records(onB.records, link.recordsB));
      instances_.push(onB.call);
    }
    meetings.push(instances_);
  }
  // Guests come and go on both nodes, three rounds.
  for (let round = 0; round < 3; round++) {
    for (const calls of meetings) {
      for (const call of calls) {
        const node = a.calls.has(call.id) ? a : b;
        const guest = [...call.legs.values()].find((l) => l.subType === "webApp");
        if (guest && rand() < 0.5) streams.get(node)!.push(node.records(node.removeLeg(guest.id)));
        else if (!guest && rand() < 0.5) streams.get(node)!.push(node.records(node.addLeg(call.id, { displayName: `Guest r${round}`, subType: "webApp", type: "acano" }).records));
      }
    }
  }

  const post = (xml: string, node: SimNode) => fetch(`${frontUrl}/cdr/${node.name}`, { method: "POST", body: xml, headers: { "content-type": "text/xml" } });
  let duplicates = 0;
  // Each node posts its stream like CMS: in order, the next batch only after a 200, re-sending on anything else.
  const play = async (node: SimNode) => {
    for (const xml of streams.get(node)!) {
      for (;;) {
        const r = rand();
        const sends = r < 0.15 ? [post(xml, node), post(xml, node)] : [post(xml, node)];
        const statuses = (await Promise.all(sends)).map((res) => res.status);
        duplicates += sends.length - 1;
        if (!statuses.includes(200)) continue;
        if (r > 0.7) {
          duplicates++;
          assert.equal((await post(xml, node)).status, 200, "a re-sent batch is acknowledged");
        }
        break;
      }
    }
  };
  await Promise.all([play(a), play(b)]);
  assert.ok(duplicates > 5, `the run re-sent batches (${duplicates})`);

  const expected = (calls: SimCall[]) => {
    const external = calls.some((c) => [...c.legs.values()].some((l) => l.subType === "webApp"));
    const restricted = /restricted/.test(calls[0]!.name);
    return restricted && external ? "Restricted Meeting, External Participant(s) in Meeting" : restricted ? "Restricted Meeting" : external ? "External Participant(s) in Meeting" : null;
  };
  await eventually(
    () => meetings.every((calls) => calls.every((c) => (c.message?.text ?? null) === expected(calls))),
    { what: "every node-call to show the single-instance banner", timeoutMs: 20_000 },
  );
  const view = await instances[0]!.meetings();
  for (const calls of meetings) {
    const m = view.find((x) => x.id === calls[0]!.correlator)!;
    const guests = calls.reduce((n, c) => n + [...c.legs.values()].filter((l) => l.subType === "webApp").length, 0);
    assert.equal(m.counts.external, guests, `meeting ${calls[0]!.name}: no participant counted twice`);
    assert.equal(m.calls.length, calls.length);
  }
  // Both instances see the same picture.
  assert.deepEqual(
    (await instances[1]!.meetings()).map((m) => [m.id, m.counts]).sort(),
    view.map((m) => [m.id, m.counts]).sort(),
  );
});
