import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { XMLParser } from "fast-xml-parser";
import { createSimCluster, linkNodes, serveSimNode, type ServedNode, type SimNode } from "../../src/sim/index.ts";

const AUTH = `Basic ${btoa("apiuser:secret")}`;
const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  isArray: (_name, jpath) => ["callBridges.callBridge", "callLegs.callLeg", "records.record"].some((path) => path === jpath),
});

async function getXml(base: string, path: string) {
  const res = await fetch(`${base}/api/v1${path}`, { headers: { Authorization: AUTH } });
  assert.equal(res.status, 200);
  return parser.parse(await res.text());
}

describe("sim cluster map over HTTP", () => {
  const cluster = createSimCluster({ nodes: ["cb-a", "cb-b", "cb-c"] });
  let served: ServedNode[] = [];
  before(async () => {
    served = await Promise.all(cluster.nodes.map((node) => serveSimNode(node)));
  });
  after(() => Promise.all(served.map((s) => s.close())));

  it("lets every node list every node, each with its served address", async () => {
    for (const server of served) {
      const list = (await getXml(server.url, "/callBridges")).callBridges;
      assert.equal(list["@_total"], "3");
      assert.deepEqual(
        list.callBridge.map((b: { name: string }) => b.name),
        ["cb-a", "cb-b", "cb-c"],
      );
      for (const node of cluster.nodes) {
        const detail = (await getXml(server.url, `/callBridges/${node.callBridgeId}`)).callBridge;
        assert.equal(detail["@_id"], node.callBridgeId);
        assert.equal(detail.name, node.name);
        assert.equal(detail.address, served[cluster.nodes.indexOf(node)]?.url);
      }
    }
    assert.match(cluster.node("cb-b").address, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("answers an unknown bridge id with 404", async () => {
    const res = await fetch(`${served[0]?.url}/api/v1/callBridges/nope`, { headers: { Authorization: AUTH } });
    assert.equal(res.status, 404);
    assert.match(await res.text(), /callBridgeDoesNotExist/);
  });
});

describe("sim distributed calls", () => {
  function distributed() {
    const cluster = createSimCluster({ nodes: ["cb-a", "cb-b"] });
    const [a, b] = cluster.nodes as [SimNode, SimNode];
    const onA = a.startCall({ name: "Falcon", coSpace: "space-1", correlator: "corr-1" }).call;
    const onB = b.startCall({ name: "Falcon", coSpace: "space-1", correlator: "corr-1" }).call;
    a.addLeg(onA.id, { displayName: "Alice" });
    b.addLeg(onB.id, { displayName: "Partner" });
    b.addLeg(onB.id, { displayName: "Guest", guestConnection: true });
    return { a, b, onA, onB };
  }

  it("adds a distribution-link leg on both sides, listed by the API without saying so", async () => {
    const { a, b, onA, onB } = distributed();
    linkNodes(a, onA.id, b, onB.id);
    const ask = (node: SimNode, path: string) =>
      Promise.resolve(node.fetch(new Request(`http://sim/api/v1${path}`, { headers: { Authorization: AUTH } }))).then(async (r) =>
        parser.parse(await r.text()),
      );

    const legsOnA = (await ask(a, `/calls/${onA.id}/callLegs`)).callLegs;
    assert.equal(legsOnA["@_total"], "2");
    const link = legsOnA.callLeg.find((l: { remoteParty?: string }) => l.remoteParty === "cb-b");
    assert.equal(link.subType, undefined);
    assert.equal((await ask(a, `/callLegs/${link["@_id"]}`)).callLeg.subType, "distributionLink");

    const detail = (await ask(a, `/calls/${onA.id}`)).call;
    assert.equal(detail.numParticipantsLocal, "1");
    assert.equal(detail.numParticipantsRemote, "2");
    assert.equal(detail.numDistributedInstances, "1");
  });

  it("writes distribution links into CDRs only when includeDistributionLinksInCdr", () => {
    const { a, b, onA, onB } = distributed();
    b.includeDistributionLinksInCdr = false;
    const { recordsA, recordsB } = linkNodes(a, onA.id, b, onB.id);
    assert.deepEqual(recordsB, []);
    const recordsOnA = parser.parse(a.records(recordsA)).records.record;
    assert.equal(recordsOnA[0]["@_type"], "callLegStart");
    assert.equal(recordsOnA[0].callLeg.subType, "distributionLink");
    assert.equal(recordsOnA[0].callLeg.direction, "outgoing");
    assert.equal(recordsOnA[0].callLeg.displayName, undefined);

    const linkOnB = [...onB.legs.values()].find((leg) => leg.subType === "distributionLink");
    assert.deepEqual(b.removeLeg(linkOnB?.id ?? ""), []);
    assert.deepEqual(
      parser.parse(b.records(b.endCall(onB.id))).records.record.map((r: { "@_type": string }) => r["@_type"]),
      ["callLegEnd", "callLegEnd", "callEnd"],
    );
  });

  it("refuses to link calls of different conferences", () => {
    const cluster = createSimCluster({ nodes: ["cb-a", "cb-b"] });
    const [a, b] = cluster.nodes as [SimNode, SimNode];
    const x = a.startCall({ name: "x" }).call;
    const y = b.startCall({ name: "y" }).call;
    assert.throws(() => linkNodes(a, x.id, b, y.id), /correlator/);
  });

  it("refuses duplicate and unknown node names", () => {
    assert.throws(() => createSimCluster({ nodes: ["cb-a", "cb-a"] }), /twice/);
    assert.throws(() => createSimCluster({ nodes: ["cb-a"] }).node("cb-z"), /no node/);
  });
});
