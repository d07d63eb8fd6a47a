import { strict as assert } from "node:assert";
import { after, before, test } from "node:test";
import { createLimiter } from "../../src/cms/limiter.ts";
import { overEachExchange, startSim, testClient, type SimFixture } from "./fixture.ts";

overEachExchange((via) => {
  let f: SimFixture;
  before(async () => {
    f = await startSim();
  });
  after(() => f.close());

  test("maxInFlightPerNode bounds concurrent requests to one node across all methods", async () => {
    const a = f.cluster.node("cb-a");
    const b = f.cluster.node("cb-b");
    for (const sim of [a, b]) {
      sim.latencyMs = 30;
      sim.requests.peakInFlight = 0;
    }
    const callsA = Array.from({ length: 10 }, (_, i) => a.startCall({ name: `A${i}` }).call.id);
    const callsB = Array.from({ length: 10 }, (_, i) => b.startCall({ name: `B${i}` }).call.id);
    const { client } = testClient(via, { maxInFlightPerNode: 2 });
    const banner = { text: "Restricted meeting", position: "top", duration: "permanent" } as const;

    await Promise.all([
      ...callsA.map((id, i) => (i % 2 ? client.getCall(f.nodeOf("cb-a"), id) : client.setCallMessage(f.nodeOf("cb-a"), id, banner))),
      ...callsB.map((id) => client.getCall(f.nodeOf("cb-b"), id)),
    ]);

    // Each node has its own bound: both reach it, neither goes past it.
    assert.equal(a.requests.peakInFlight, 2);
    assert.equal(b.requests.peakInFlight, 2);
  });

  test("a banner write asked for behind a queue of reads goes out before them", async () => {
    const a = f.cluster.node("cb-a");
    a.latencyMs = 20;
    const calls = Array.from({ length: 12 }, (_, i) => a.startCall({ name: `R${i}` }).call.id);
    const { client } = testClient(via, { maxInFlightPerNode: 2 });
    const done: string[] = [];
    const reads = calls.map((id) => client.getCall(f.nodeOf("cb-a"), id).then(() => done.push("read")));
    const write = client.setCallMessage(f.nodeOf("cb-a"), calls[0]!, { text: "Restricted meeting", position: "top", duration: "permanent" });
    await Promise.all([...reads, write.then(() => done.push("write"))]);
    a.latencyMs = 0;
    // Two reads held the slots when the write was asked for; it took the next one.
    assert.ok(done.indexOf("write") <= 3, `write finished after ${done.indexOf("write")} reads: ${done.join(" ")}`);
  });
});

/** A limiter of one slot, held until `open()`: whatever is asked meanwhile waits. */
function heldLimiter() {
  const limiter = createLimiter(1);
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const busy = limiter.run("cb-a", () => gate);
  return { limiter, busy, open };
}

test("waiters get a slot in the order they asked", async () => {
  const { limiter, busy, open } = heldLimiter();
  const order: number[] = [];
  const rest = [1, 2, 3].map((n) => limiter.run("cb-a", async () => void order.push(n)));
  open();
  await Promise.all([busy, ...rest]);
  assert.deepEqual(order, [1, 2, 3]);
});

test("a failing task gives its slot back", async () => {
  const limiter = createLimiter(1);
  await assert.rejects(limiter.run("cb-a", () => Promise.reject(new Error("boom"))), /boom/);
  assert.equal(await limiter.run("cb-a", async () => "next"), "next");
});

test("waiters marked first go ahead of the others, each lane in the order it asked", async () => {
  const { limiter, busy, open } = heldLimiter();
  const order: string[] = [];
  const asked = [
    limiter.run("cb-a", async () => void order.push("read 1")),
    limiter.run("cb-a", async () => void order.push("write 1"), true),
    limiter.run("cb-a", async () => void order.push("read 2")),
    limiter.run("cb-a", async () => void order.push("write 2"), true),
  ];
  open();
  await Promise.all([busy, ...asked]);
  assert.deepEqual(order, ["write 1", "write 2", "read 1", "read 2"]);
});
