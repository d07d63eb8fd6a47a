import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { ConnectionReset, createSimCluster, serveSimNode, type SimNode } from "../../src/sim/index.ts";

const AUTH = `Basic ${btoa("apiuser:secret")}`;

function request(node: SimNode, path: string, method = "GET"): Promise<Response> {
  return Promise.resolve(node.fetch(new Request(`http://sim${path}`, { method, headers: { Authorization: AUTH } })));
}

function oneNode(): SimNode {
  return createSimCluster({ nodes: ["cb-a"] }).node("cb-a");
}

describe("sim failure injection", () => {
  it("answers 503 the given number of times, then normally", async () => {
    const node = oneNode();
    node.fail({ method: "get", path: /\/calls$/, status: 503, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await request(node, "/api/v1/calls?offset=0")).status);
    assert.deepEqual(statuses, [503, 503, 200]);
    assert.deepEqual(node.requests.log.map((entry) => entry.status), [503, 503, 200]);
    assert.equal(node.requests.log[0]?.path, "/api/v1/calls?offset=0");
  });

  it("matches method and path, fires once by default, and fails before authentication", async () => {
    const node = oneNode();
    node.fail({ method: "PUT", status: 500 });
    assert.equal((await request(node, "/api/v1/calls")).status, 200);
    const put = await node.fetch(new Request("http://sim/api/v1/calls/x", { method: "PUT", body: "messageText=a" }));
    assert.equal(put.status, 500);
    assert.deepEqual(node.puts, [{ callId: "x", body: { messageText: "a" }, status: 500 }]);
    assert.equal((await request(node, "/api/v1/calls/x", "PUT")).status, 404);
  });

  it("keeps an Infinity rule until cleared", async () => {
    const node = oneNode();
    node.fail({ path: /system/, status: 503, times: Infinity });
    for (let i = 0; i < 5; i += 1) assert.equal((await request(node, "/api/v1/system/status")).status, 503);
    node.clearFailures();
    assert.equal((await request(node, "/api/v1/system/status")).status, 200);
  });

  it("lets delayed requests overlap, which peakInFlight shows", async () => {
    const node = oneNode();
    node.fail({ path: /calls/, delayMs: 50, times: 3 });
    const responses = await Promise.all([1, 2, 3].map(() => request(node, "/api/v1/calls")));
    assert.deepEqual(responses.map((res) => res.status), [200, 200, 200]);
    assert.equal(node.requests.peakInFlight, 3);
    assert.equal(node.requests.inFlight, 0);
    assert.equal(node.requests.reads, 3);
  });

  it("applies latencyMs to every request", async () => {
    const node = oneNode();
    node.latencyMs = 30;
    const started = Date.now();
    await Promise.all([request(node, "/api/v1/calls"), request(node, "/api/v1/callLegs")]);
    assert.ok(Date.now() - started >= 25);
    assert.equal(node.requests.peakInFlight, 2);
  });

  it("counts GETs as reads and PUT/POST/DELETE as writes", async () => {
    const node = oneNode();
    await request(node, "/api/v1/calls");
    await request(node, "/api/v1/calls/x", "PUT");
    await request(node, "/api/v1/system/cdrReceivers", "POST");
    await request(node, "/api/v1/system/cdrReceivers/x", "DELETE");
    assert.deepEqual([node.requests.reads, node.requests.writes], [1, 3]);
  });

  it("rejects like a network failure when called directly with reset", async () => {
    const node = oneNode();
    node.fail({ reset: true });
    await assert.rejects(request(node, "/api/v1/calls"), ConnectionReset);
    assert.equal(node.requests.log[0]?.status, 0);
    assert.equal(node.requests.inFlight, 0);
  });

  describe("over HTTP", () => {
    const node = oneNode();
    const served = serveSimNode(node);
    after(async () => (await served).close());

    it("destroys the connection with reset and serves the next request", async () => {
      const { url } = await served;
      node.fail({ path: /calls/, reset: true });
      await assert.rejects(fetch(`${url}/api/v1/calls`, { headers: { Authorization: AUTH } }), TypeError);
      const res = await fetch(`${url}/api/v1/calls`, { headers: { Authorization: AUTH } });
      assert.equal(res.status, 200);
      assert.match(await res.text(), /<calls total="0">/);
    });
  });
});
