import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { XMLParser } from "fast-xml-parser";
import { createSimCluster, type SimNode } from "../../src/sim/index.ts";

const AUTH = `Basic ${btoa("apiuser:secret")}`;
const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (_name, jpath) => jpath === "cdrReceivers.cdrReceiver" });

function send(node: SimNode, method: string, path: string, body?: string): Promise<Response> {
  const headers = { Authorization: AUTH, "Content-Type": "application/x-www-form-urlencoded" };
  return Promise.resolve(node.fetch(new Request(`http://sim/api/v1${path}`, { method, headers, body })));
}

async function receivers(node: SimNode) {
  return parser.parse(await (await send(node, "GET", "/system/cdrReceivers")).text()).cdrReceivers;
}

describe("sim API: system", () => {
  it("reports software version, uptime, clustering and active calls", async () => {
    const node = createSimCluster({ nodes: ["cb-a"] }).node("cb-a");
    const { call } = node.startCall({ name: "m" });
    node.addLeg(call.id, {});
    const status = parser.parse(await (await send(node, "GET", "/system/status")).text()).status;
    assert.equal(status.softwareVersion, "3.8.0");
    assert.match(status.uptimeSeconds, /^\d+$/);
    assert.equal(status.clusterEnabled, "true");
    assert.equal(status.callsActive, "1");
    assert.equal(status.callLegsActive, "1");
  });

  it("adds CDR receivers up to four, lists them as <uri>, and deletes them", async () => {
    const node = createSimCluster({ nodes: ["cb-a"] }).node("cb-a");
    const locations: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const res = await send(node, "POST", "/system/cdrReceivers", `url=${encodeURIComponent(`https://banner.example:8443/cdr/s${i}?a=1&b=2`)}`);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), "");
      locations.push(res.headers.get("Location") ?? "");
    }
    assert.match(locations[0] ?? "", /^\/api\/v1\/system\/cdrReceivers\/[0-9a-f-]{36}$/);

    const full = await send(node, "POST", "/system/cdrReceivers", "url=https%3A%2F%2Fone.more%2F");
    assert.equal(full.status, 400);
    assert.match(await full.text(), /<tooManyCdrReceivers \/>/);

    const list = await receivers(node);
    assert.equal(list["@_total"], "4");
    assert.equal(list["@_maximum"], "4");
    assert.equal(list.cdrReceiver[0].uri, "https://banner.example:8443/cdr/s0?a=1&b=2");
    assert.equal([...node.cdrReceivers.values()].at(-1), "https://banner.example:8443/cdr/s3?a=1&b=2");

    const one = parser.parse(await (await send(node, "GET", locations[1]?.replace("/api/v1", "") ?? "")).text());
    assert.equal(one.cdrReceiver.uri, "https://banner.example:8443/cdr/s1?a=1&b=2");

    assert.equal((await send(node, "DELETE", locations[0]?.replace("/api/v1", "") ?? "")).status, 200);
    assert.equal((await receivers(node))["@_total"], "3");
    assert.equal((await send(node, "DELETE", "/system/cdrReceivers/nope")).status, 404);
  });

  it("refuses a receiver without url", async () => {
    const node = createSimCluster({ nodes: ["cb-a"] }).node("cb-a");
    const res = await send(node, "POST", "/system/cdrReceivers", "");
    assert.equal(res.status, 400);
    assert.match(await res.text(), /parameterError parameter="url"/);
  });
});
