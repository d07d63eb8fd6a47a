/**
 * The sole writer's meeting index (src/store/meeting-index.ts): which calls each meeting has on
 * each node, kept in memory and derived from the call documents, never stored; lists an older
 * version stored are removed; a change made before the index is built is not undone by the
 * build; a build that fails refuses lookups and is tried again.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createStorage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import { keys } from "../../src/store/keys.ts";
import { createMeetingIndex, type MeetingCall } from "../../src/store/meeting-index.ts";
import { createStateStore, StoreError } from "../../src/store/state.ts";
import { call, failListings, leg } from "./index-fixtures.ts";

test("the sole writer stores no meeting list, yet finds each meeting's calls, before and after a restart", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  const state = createStateStore(storage, { soleWriter: true });
  const onA = call("c-1");
  const onB = call("c-2", { nodeKey: "cb-b" });
  for (const c of [onA, onB]) {
    await state.putCall({ call: c, legs: { [`l-${c.id}`]: leg(`l-${c.id}`, c.id) } });
    await state.addMeetingCall(c);
  }
  // A call whose callStart was not seen yet (a stub) is in no meeting.
  await state.putCall({ call: call("c-3", { stub: true }), legs: {} });
  const both = [{ nodeKey: "cb-a", callId: "c-1" }, { nodeKey: "cb-b", callId: "c-2" }];
  assert.deepEqual(await state.meetingCalls("m-1", ["cb-a", "cb-b"]), both);
  assert.deepEqual(await storage.getKeys(keys.meetingCallsPrefix), [], "no m: key in the store");

  const restarted = createStateStore(storage, { soleWriter: true });
  assert.deepEqual(await restarted.meetingCalls("m-1", ["cb-a", "cb-b"]), both, "derived from the call documents");
  assert.deepEqual(await restarted.meetingCalls("m-1", ["cb-b"]), [both[1]], "only the nodes asked for");
  assert.deepEqual(await restarted.meetingCalls("m-2", ["cb-a"]), []);
  await restarted.dropCall({ call: onA, legs: {} });
  assert.deepEqual(await restarted.meetingCalls("m-1", ["cb-a", "cb-b"]), [both[1]], "a dropped call leaves its meeting");
});

test("lists an older version stored are removed once the index is built; the documents still place the calls", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  const older = createStateStore(storage);
  await older.putCall({ call: call("c-1"), legs: {} });
  await older.addMeetingCall(call("c-1"));
  // A list entry that outlived its document (a crash between the two writes).
  await older.addMeetingCall(call("c-0"));
  assert.equal((await storage.getKeys(keys.meetingCallsPrefix)).length, 1);
  const state = createStateStore(storage, { soleWriter: true });
  assert.deepEqual(await state.meetingCalls("m-1", ["cb-a"]), [{ nodeKey: "cb-a", callId: "c-1" }]);
  assert.deepEqual(await storage.getKeys(keys.meetingCallsPrefix), []);
});

test("a change made before the index is built wins over what the build reads", async () => {
  let answer!: (calls: MeetingCall[]) => void;
  const index = createMeetingIndex(() => new Promise((resolve) => (answer = resolve)));
  const lookup = index.calls("m-1", ["cb-a"]);
  // While the build read documents written before: c-2 moved to m-2, and c-4 joined m-1.
  index.remove({ meetingId: "m-1", nodeKey: "cb-a", callId: "c-2" });
  index.add({ meetingId: "m-2", nodeKey: "cb-a", callId: "c-2" });
  index.add({ meetingId: "m-1", nodeKey: "cb-a", callId: "c-4" });
  answer(["c-1", "c-2", "c-3"].map((callId) => ({ meetingId: "m-1", nodeKey: "cb-a", callId })));
  assert.deepEqual((await lookup).map((c) => c.callId), ["c-4", "c-1", "c-3"]);
  assert.deepEqual(await index.calls("m-2", ["cb-a"]), [{ nodeKey: "cb-a", callId: "c-2" }]);
  // Once built, a list that empties is gone.
  index.remove({ meetingId: "m-2", nodeKey: "cb-a", callId: "c-2" });
  assert.equal(index.size, 1);
});

test("a build that fails refuses the lookup with a StoreError, and the next lookup builds again", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  await createStateStore(storage).putCall({ call: call("c-1"), legs: {} });
  const recover = failListings(storage);
  const state = createStateStore(storage, { soleWriter: true });
  await assert.rejects(state.meetingCalls("m-1", ["cb-a"]), (err: unknown) => err instanceof StoreError && /read of meeting m-1.*disk unplugged/.test(err.message));
  recover();
  assert.deepEqual(await state.meetingCalls("m-1", ["cb-a"]), [{ nodeKey: "cb-a", callId: "c-1" }]);
});
