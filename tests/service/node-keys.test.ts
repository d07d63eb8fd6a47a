/**
 * The list of sources that have held a call (`nodekeys`) is read by every banner run. A process
 * that is its store's only writer (memory, fs) keeps it in memory; a service whose store is shared
 * (leases injected: Redis, a Durable Object) reads it on every run, because another instance may
 * add a source at any moment and a run that missed that source's calls would write a wrong banner.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { createStorage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import { createKeyedMutex } from "../../src/service/keyed-mutex.ts";
import { createNodeKeys } from "../../src/service/node-keys.ts";
import { keys } from "../../src/store/keys.ts";
import { createStateStore } from "../../src/store/state.ts";
import { startSimCluster, type ServedCluster } from "../helpers/sim-cluster.ts";
import { countReadsOf, serviceOn } from "./fixture.ts";

const EXTERNAL = "External Participant(s) in Meeting";

// Addresses in the cluster map let an instance resolve a bridge GUID to its node.
let sim: ServedCluster;
before(async () => {
  sim = await startSimCluster(["cb-a", "cb-b"], { tls: false });
  for (const n of sim.cluster.nodes) n.address = sim.urls[n.name]!;
});
after(() => sim.close());

test("sole writer: the list is read from the store once; its own additions show at once", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  const state = createStateStore(storage);
  await state.addNodeKey("s_earlier");
  const reads = countReadsOf(storage, keys.nodeKeys);
  const nodeKeys = createNodeKeys({ state, mutex: createKeyedMutex(), configured: ["cb-a"], soleWriter: true });
  assert.deepEqual(await nodeKeys.list(), ["cb-a", "s_earlier"]);
  await nodeKeys.list();
  assert.equal(reads(), 1, "read once");
  await nodeKeys.add("s_new");
  const afterAdd = reads();
  assert.deepEqual(await nodeKeys.list(), ["cb-a", "s_earlier", "s_new"]);
  assert.equal(reads(), afterAdd, "the addition is known without a read");
  assert.deepEqual(await state.nodeKeys(), ["s_earlier", "s_new"], "and it is stored");
});

test("shared store: each list() reads again, and shows what another instance added", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  const state = createStateStore(storage);
  const mutex = createKeyedMutex();
  const mine = createNodeKeys({ state, mutex, configured: ["cb-a"], soleWriter: false });
  const theirs = createNodeKeys({ state, mutex, configured: ["cb-a"], soleWriter: false });
  assert.deepEqual(await mine.list(), ["cb-a"]);
  await theirs.add("cb_other-bridge");
  assert.deepEqual(await mine.list(), ["cb-a", "cb_other-bridge"]);
});

test("a service on a memory store reads the list at most once, however many banner runs it makes", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  const reads = countReadsOf(storage, keys.nodeKeys);
  const svc = serviceOn(sim, { storage, bannerWindowMs: 0 });
  try {
    const a = sim.cluster.node("cb-a");
    for (let i = 0; i < 3; i++) {
      const { call, records } = a.startCall({ name: `Meeting ${i}`, correlator: randomUUID() });
      const guest = a.addLeg(call.id, { displayName: "Guest", type: "acano", subType: "webApp" });
      assert.equal(await svc.post("/cdr/cb-a", a.records(records, guest.records)), 200);
      await svc.service.applier.idle();
      assert.equal(call.message?.text, EXTERNAL);
    }
    // Once: node-keys.ts keeps it. None at all: the service's copy of its store answered (mirror.ts).
    assert.ok(reads() <= 1, `${reads()} reads`);
  } finally {
    await svc.stop();
  }
});

/**
 * Two services over one store and one set of leases, as two instances over Redis. A meeting has
 * a call on cb-a (reported to the first instance) and one on cb-b whose batch reached the second
 * instance through /cdr without a node name: it is stored under the bridge's GUID, a source the
 * first instance has never seen. The first instance's next run must still count the guest there.
 */

test("shared store: a source another instance added is in this instance's next banner run", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  const locks = createKeyedMutex();
  const first = serviceOn(sim, { storage, locks, bannerWindowMs: 0 });
  const second = serviceOn(sim, { storage, locks, bannerWindowMs: 0 });
  try {
    const a = sim.cluster.node("cb-a");
    const b = sim.cluster.node("cb-b");
    const correlator = randomUUID();
    const onA = a.startCall({ name: "Across instances", correlator });
    const alice = a.addLeg(onA.call.id, { displayName: "Alice", remoteParty: "alice@corp.example", type: "acano" });
    assert.equal(await first.post("/cdr/cb-a", a.records(onA.records, alice.records)), 200);
    await first.service.applier.idle();
    assert.equal(onA.call.message?.text, undefined, "one internal participant: no banner");

    const onB = b.startCall({ name: "Across instances", correlator });
    const guest = b.addLeg(onB.call.id, { displayName: "Visitor", type: "acano", subType: "webApp" });
    assert.equal(await second.post("/cdr", b.records(onB.records, guest.records)), 200);
    await second.service.applier.idle();
    assert.equal(onA.call.message?.text, EXTERNAL, "the second instance set the banner on both nodes");
    assert.equal(onB.call.message?.text, EXTERNAL);

    // Another internal participant on cb-a: the first instance runs the meeting again.
    const bob = a.addLeg(onA.call.id, { displayName: "Bob", remoteParty: "bob@corp.example", type: "acano" });
    const putsBefore = a.puts.length;
    assert.equal(await first.post("/cdr/cb-a", a.records(bob.records)), 200);
    await first.service.applier.idle();
    assert.equal(onA.call.message?.text, EXTERNAL, "the guest on cb-b still counts");
    assert.equal(a.puts.length, putsBefore, "nothing to write");
  } finally {
    await Promise.all([first.stop(), second.stop()]);
  }
});
