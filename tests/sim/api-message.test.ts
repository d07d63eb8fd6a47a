import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { XMLParser } from "fast-xml-parser";
import { createSimCluster, type SimNode } from "../../src/sim/index.ts";

const AUTH = `Basic ${btoa("apiuser:secret")}`;
const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false });

async function put(node: SimNode, callId: string, body: string): Promise<Response> {
  return node.fetch(
    new Request(`http://sim/api/v1/calls/${callId}`, {
      method: "PUT",
      headers: { Authorization: AUTH, "Content-Type": "application/x-www-form-urlencoded" },
      body,
    }),
  );
}

async function detail(node: SimNode, callId: string) {
  const res = await node.fetch(new Request(`http://sim/api/v1/calls/${callId}`, { headers: { Authorization: AUTH } }));
  return parser.parse(await res.text()).call;
}

function oneCall() {
  const node = createSimCluster({ nodes: ["cb-a"] }).node("cb-a");
  return { node, call: node.startCall({ name: "Falcon" }).call };
}

describe("sim API: the in-call message", () => {
  it("sets a permanent banner that GET shows and the model holds", async () => {
    const { node, call } = oneCall();
    const res = await put(node, call.id, "messageText=External%20participants%20%26%20%3Cguests%3E&messagePosition=top&messageDuration=permanent");
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "");
    assert.deepEqual(call.message, { text: "External participants & <guests>", position: "top", duration: "permanent" });
    const shown = await detail(node, call.id);
    assert.equal(shown.messageText, "External participants & <guests>");
    assert.equal(shown.messagePosition, "top");
    assert.equal(shown.messageDuration, "permanent");
    assert.equal(shown.messageTimeRemaining, undefined);
  });

  it("leaves omitted parameters unchanged", async () => {
    const { node, call } = oneCall();
    await put(node, call.id, "messageText=One&messagePosition=bottom&messageDuration=permanent");
    await put(node, call.id, "messageText=Two");
    assert.deepEqual(call.message, { text: "Two", position: "bottom", duration: "permanent" });
  });

  it("counts a timed message down in messageTimeRemaining", async () => {
    const { node, call } = oneCall();
    await put(node, call.id, "messageText=Soon&messageDuration=60");
    const shown = await detail(node, call.id);
    assert.equal(shown.messageDuration, "60");
    assert.ok(Number(shown.messageTimeRemaining) >= 59);
  });

  it("clears the message with messageText=&messageDuration=0", async () => {
    const { node, call } = oneCall();
    await put(node, call.id, "messageText=Restricted&messagePosition=top&messageDuration=permanent");
    assert.equal((await put(node, call.id, "messageText=&messageDuration=0")).status, 200);
    assert.equal(call.message, null);
    const shown = await detail(node, call.id);
    assert.equal(shown.messageText, undefined);
    assert.equal(shown.messagePosition, "middle");
    assert.equal(shown.messageDuration, "0");
  });

  it("keeps an emptied permanent message as FMC clears it (text gone, duration kept)", async () => {
    const { node, call } = oneCall();
    await put(node, call.id, "messageText=Restricted&messagePosition=top&messageDuration=permanent");
    await put(node, call.id, "messageText=");
    assert.deepEqual(call.message, { text: "", position: "top", duration: "permanent" });
    assert.equal((await detail(node, call.id)).messageText, undefined);
  });

  it("refuses an invalid position or duration with parameterError and changes nothing", async () => {
    const { node, call } = oneCall();
    for (const [body, parameter] of [
      ["messageText=x&messagePosition=left", "messagePosition"],
      ["messageText=x&messageDuration=forever", "messageDuration"],
      ["messageText=x&messageDuration=-5", "messageDuration"],
    ]) {
      const res = await put(node, call.id, body);
      assert.equal(res.status, 400);
      assert.equal(
        await res.text(),
        `<?xml version="1.0"?>\n<failureDetails><parameterError parameter="${parameter}" error="invalidValue" /></failureDetails>`,
      );
    }
    assert.equal(call.message, null);
  });

  it("answers a PUT to a gone call with callDoesNotExist and goneStatus", async () => {
    const { node } = oneCall();
    node.goneStatus = 400;
    const res = await put(node, "gone", "messageText=x&messageDuration=permanent");
    assert.equal(res.status, 400);
    assert.match(await res.text(), /callDoesNotExist/);
  });

  it("records every PUT with its form body and status", async () => {
    const { node, call } = oneCall();
    await put(node, call.id, "messageText=A&messageDuration=permanent");
    await put(node, "gone", "messageText=B");
    await put(node, call.id, "messagePosition=nowhere");
    assert.deepEqual(node.puts, [
      { callId: call.id, body: { messageText: "A", messageDuration: "permanent" }, status: 200 },
      { callId: "gone", body: { messageText: "B" }, status: 404 },
      { callId: call.id, body: { messagePosition: "nowhere" }, status: 400 },
    ]);
    assert.equal(node.requests.writes, 3);
  });
});
