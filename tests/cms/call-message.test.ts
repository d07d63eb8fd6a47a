import { strict as assert } from "node:assert";
import { after, before, test } from "node:test";
import { overEachExchange, startSim, testClient, type SimFixture } from "./fixture.ts";

overEachExchange((via) => {
  let f: SimFixture;
  before(async () => {
    f = await startSim();
  });
  after(() => f.close());

  test("getCall reads identity, counters and the message that is showing", async () => {
    const { call } = f.sim.startCall({ name: "Project Falcon - RESTRICTED", coSpace: "4d4b457f-9f1d-4006-8aff-e5caee319c07" });
    f.sim.addLeg(call.id, { displayName: "Alice", remoteParty: "alice@corp.example", type: "sip" });
    call.message = { text: "External participants present", position: "top", duration: "permanent" };
    const { client } = testClient(via);

    assert.deepEqual(await client.getCall(f.node, call.id), {
      id: call.id,
      name: "Project Falcon - RESTRICTED",
      coSpace: "4d4b457f-9f1d-4006-8aff-e5caee319c07",
      correlator: call.correlator,
      callType: call.callType,
      numCallLegs: 1,
      message: { text: "External participants present", position: "top", duration: "permanent" },
    });
  });

  test("getCall reports no message as null and a timed one in seconds", async () => {
    const { call } = f.sim.startCall({ name: "Weekly sync" });
    const { client } = testClient(via);
    assert.equal((await client.getCall(f.node, call.id)).message, null);

    call.message = { text: "Ends in 5 minutes", position: "bottom", duration: 30 };
    call.messageSetAt = Date.now();
    assert.deepEqual((await client.getCall(f.node, call.id)).message, { text: "Ends in 5 minutes", position: "bottom", duration: 30 });
  });

  test("setCallMessage puts the banner form-encoded, and null clears it", async () => {
    const { call } = f.sim.startCall({ name: "Board & Co" });
    const { client } = testClient(via);

    await client.setCallMessage(f.node, call.id, { text: "Externe Teilnehmer: 2 & mehr", position: "top", duration: "permanent" });
    assert.deepEqual(call.message, { text: "Externe Teilnehmer: 2 & mehr", position: "top", duration: "permanent" });
    assert.deepEqual(f.sim.puts.at(-1), {
      callId: call.id,
      body: { messageText: "Externe Teilnehmer: 2 & mehr", messagePosition: "top", messageDuration: "permanent" },
      status: 200,
    });

    await client.setCallMessage(f.node, call.id, { text: "Restricted meeting", position: "middle", duration: 60 });
    assert.deepEqual(call.message, { text: "Restricted meeting", position: "middle", duration: 60 });

    await client.setCallMessage(f.node, call.id, null);
    assert.equal(call.message, null);
    assert.deepEqual(f.sim.puts.at(-1)?.body, { messageText: "", messageDuration: "0" });
    assert.equal((await client.getCall(f.node, call.id)).message, null);
  });

  test("getCallLeg reads the leg detail", async () => {
    const { call } = f.sim.startCall({ name: "Partner review" });
    const { leg } = f.sim.addLeg(call.id, {
      displayName: "Partner Room 12",
      remoteParty: "room-12@partner.example.net",
      type: "sip",
      direction: "incoming",
    });
    const { client } = testClient(via);

    assert.deepEqual(await client.getCallLeg(f.node, leg.id), {
      id: leg.id,
      name: "Partner Room 12",
      remoteParty: "room-12@partner.example.net",
      callId: call.id,
      type: "sip",
      direction: "incoming",
      state: "connected",
      recording: false,
      streaming: false,
      deactivated: false,
    });
  });
});
