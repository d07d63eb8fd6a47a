import { strict as assert } from "node:assert";
import { after, before, test } from "node:test";
import { overEachExchange, startSim, testClient, type SimFixture } from "./fixture.ts";

overEachExchange((via) => {
  let f: SimFixture;
  before(async () => {
    f = await startSim({ pageCap: 1 });
  });
  after(() => f.close());

  test("listCallBridges pages the list, then reads each bridge's API address from its detail", async () => {
    const { client, events } = testClient(via);

    const bridges = await client.listCallBridges(f.node);

    assert.deepEqual(
      bridges,
      f.cluster.nodes.map((n) => ({ id: n.callBridgeId, name: n.name, address: n.address })),
    );
    assert.deepEqual(bridges.map((b) => b.address), [f.nodeOf("cb-a").baseUrl, f.nodeOf("cb-b").baseUrl]);
    assert.equal(events.length, 2 + 2);
  });

  test("getSystemStatus reads version, cluster flag and uptime", async () => {
    const { client } = testClient(via);
    const status = await client.getSystemStatus(f.node);
    assert.equal(typeof status.softwareVersion, "string");
    assert.equal(status.clusterEnabled, true);
    assert.equal(typeof status.uptimeSeconds, "number");
  });

  test("addCdrReceiver returns the id from Location, and listCdrReceivers shows it", async () => {
    const { client } = testClient(via);
    const url = "https://banner.corp.example:8443/cdr/abc?x=1&y=2";

    const id = await client.addCdrReceiver(f.node, url);

    assert.equal(f.sim.cdrReceivers.get(id), url);
    assert.deepEqual(await client.listCdrReceivers(f.node), [{ id, uri: url }]);
  });
});
