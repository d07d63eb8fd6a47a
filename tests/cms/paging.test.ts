import { strict as assert } from "node:assert";
import { after, before, test } from "node:test";
import { overEachExchange, startSim, testClient, type SimFixture } from "./fixture.ts";

overEachExchange((via) => {
  let f: SimFixture;
  before(async () => {
    f = await startSim({ pageCap: 5 });
  });
  after(() => f.close());

  test("listCalls pages past a server cap smaller than pageSize, advancing by what came back", async () => {
    f.sim.calls.clear();
    const ids = Array.from({ length: 23 }, (_, i) => f.sim.startCall({ name: `Meeting ${i}` }).call.id);
    const { client, events } = testClient(via, { pageSize: 50 });

    const calls = await client.listCalls(f.node);

    assert.deepEqual(calls.map((c) => c.id).sort(), [...ids].sort());
    assert.deepEqual(
      events.map((e) => e.path),
      [0, 5, 10, 15, 20].map((offset) => `/api/v1/calls?offset=${offset}&limit=50`),
    );
    const first = f.sim.calls.get(calls[0]!.id)!;
    assert.deepEqual(calls[0], { id: first.id, name: first.name, coSpace: first.coSpace, correlator: first.correlator });
  });

  test("an empty list is one request", async () => {
    f.sim.calls.clear();
    const { client, events } = testClient(via);
    assert.deepEqual(await client.listCalls(f.node), []);
    assert.equal(events.length, 1);
  });

  test("a call that moves between pages is listed once", async () => {
    f.sim.calls.clear();
    for (let i = 0; i < 12; i++) f.sim.startCall({ name: `Meeting ${i}` });
    const moved = [...f.sim.calls.values()][0]!;
    let paged = 0;
    const { client } = testClient(via, {
      pageSize: 5,
      // Between the first and second page the call ends and starts again with the same id, so it
      // leaves the front of the list and reappears at its end, on a later page.
      onRequest: () => {
        if (++paged !== 1) return;
        f.sim.endCall(moved.id);
        f.sim.startCall({ id: moved.id, name: moved.name });
      },
    });

    const calls = await client.listCalls(f.node);

    const ids = calls.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(ids.filter((id) => id === moved.id).length, 1);
  });

  test("listCallLegs pages the legs of one call", async () => {
    f.sim.calls.clear();
    const { call } = f.sim.startCall({ name: "Big meeting" });
    const legIds = Array.from({ length: 12 }, (_, i) =>
      f.sim.addLeg(call.id, { displayName: `P${i}`, remoteParty: `p${i}@corp.example`, type: "sip" }).leg.id,
    );
    const { client, events } = testClient(via);

    const legs = await client.listCallLegs(f.node, call.id);

    assert.deepEqual(legs.map((l) => l.id).sort(), [...legIds].sort());
    assert.equal(events.length, 3);
    const p0 = legs.find((l) => l.name === "P0")!;
    assert.deepEqual(p0, { id: legIds[0], name: "P0", remoteParty: "p0@corp.example", callId: call.id });
  });
});
