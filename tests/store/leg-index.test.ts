/**
 * The sole writer's leg index (src/store/leg-index.ts): leg pointers kept in memory and derived
 * from the call documents, never stored; pointers an older version stored are removed; a write made
 * before the index is built is not undone by the build; a build that fails refuses lookups and is
 * tried again.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createStorage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import { keys } from "../../src/store/keys.ts";
import { type CallLegs, createLegIndex } from "../../src/store/leg-index.ts";
import { createStateStore, StoreError } from "../../src/store/state.ts";
import { call, failListings, leg } from "./index-fixtures.ts";

test("the sole writer stores no leg pointer, yet finds each leg's call, before and after a restart", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  const state = createStateStore(storage, { soleWriter: true });
  await state.putLegCall("cb-a", "l-1", "c-1");
  await state.putCall({ call: call("c-1"), legs: { "l-1": leg("l-1", "c-1") } });
  assert.equal(await state.getLegCall("cb-a", "l-1"), "c-1");
  assert.deepEqual(await storage.getKeys(keys.legCallPrefix), [], "no l: key in the store");

  const restarted = createStateStore(storage, { soleWriter: true });
  assert.equal(await restarted.getLegCall("cb-a", "l-1"), "c-1", "derived from the call document");
  assert.equal(await restarted.getLegCall("cb-a", "l-2"), undefined);
  await restarted.dropCall({ call: call("c-1"), legs: { "l-1": leg("l-1", "c-1") } });
  assert.equal(await restarted.getLegCall("cb-a", "l-1"), undefined, "a dropped call's legs are forgotten");
});

test("a store shared with other instances keeps its leg pointers in the store", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  const state = createStateStore(storage);
  await state.putLegCall("cb-a", "l-1", "c-1");
  assert.deepEqual(await storage.getKeys(keys.legCallPrefix), [keys.legCall("cb-a", "l-1")]);
  assert.equal(await createStateStore(storage).getLegCall("cb-a", "l-1"), "c-1");
});

test("leg pointers an older version stored are removed once the index is built; the documents still place the legs", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  const older = createStateStore(storage);
  await older.putLegCall("cb-a", "l-1", "c-1");
  await older.putLegCall("cb-a", "l-gone", "c-0");
  await older.putCall({ call: call("c-1"), legs: { "l-1": leg("l-1", "c-1") } });
  const state = createStateStore(storage, { soleWriter: true });
  assert.equal(await state.getLegCall("cb-a", "l-1"), "c-1");
  assert.equal(await state.getLegCall("cb-a", "l-gone"), undefined, "a pointer to no document is not taken over");
  assert.deepEqual(await storage.getKeys(keys.legCallPrefix), []);
});

test("a pointer written before the index is built wins over what the build reads", async () => {
  let answer!: (calls: CallLegs[]) => void;
  const index = createLegIndex(() => new Promise((resolve) => (answer = resolve)));
  const lookup = index.get("cb-a", "l-1");
  // The leg moved to c-2 and left l-2 while the build was reading documents written before that.
  index.set("cb-a", "l-1", "c-2");
  index.delete("cb-a", "l-2");
  answer([{ nodeKey: "cb-a", callId: "c-1", legIds: ["l-1", "l-2", "l-3"] }]);
  assert.equal(await lookup, "c-2");
  assert.equal(await index.get("cb-a", "l-2"), undefined);
  assert.equal(await index.get("cb-a", "l-3"), "c-1");
  assert.equal(index.size, 2);
});

test("a build that fails refuses the lookup with a StoreError, and the next lookup builds again", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  await createStateStore(storage).putCall({ call: call("c-1"), legs: { "l-1": leg("l-1", "c-1") } });
  const recover = failListings(storage);
  const state = createStateStore(storage, { soleWriter: true });
  await assert.rejects(state.getLegCall("cb-a", "l-1"), (err: unknown) => err instanceof StoreError && /lookup of leg l-1.*disk unplugged/.test(err.message));
  recover();
  assert.equal(await state.getLegCall("cb-a", "l-1"), "c-1");
});
