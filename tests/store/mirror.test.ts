/**
 * The sole writer's copy of its store (src/store/mirror.ts): once loaded it answers reads without
 * asking the store, it starts from what the store already held, a write made while it loads is
 * not undone by the load, and a key whose write failed is read from the store again.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createStorage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import type { CallFact, LegFact } from "../../src/core/model.ts";
import { openFsStore } from "../../src/runtime/fs-journal-driver.ts";
import { keys } from "../../src/store/keys.ts";
import { createRecentDocs } from "../../src/store/recent-docs.ts";
import { createStateStore } from "../../src/store/state.ts";
import { countReads } from "../helpers/store-reads.ts";

const call = (id: string): CallFact => ({ id, nodeKey: "cb-a", name: `Meeting ${id}`, correlator: "m-1", since: "2026-11-26T10:00:00Z", seenAt: 1, source: "cdr" });
const leg = (id: string, callId: string): LegFact => ({
  id, nodeKey: "cb-a", callId, displayName: "Visitor", guest: true, recording: false, streaming: false, inIvr: false,
  deactivated: false, since: "2026-11-26T10:00:05Z", seenAt: 2, source: "cdr",
});

test("once loaded, reads are answered from the copy: what was written, and nothing for a key never written", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  const state = createStateStore(storage, { soleWriter: true });
  assert.equal(await state.mirror!.loaded(), true);
  const doc = { call: call("c-1"), legs: { "l-1": leg("l-1", "c-1") } };
  await state.putCall(doc);
  await state.putLegCall("cb-a", "l-1", "c-1");
  await state.addMeetingCall(doc.call);
  await state.putHighWater("s-1", 7);
  const reads = countReads(storage);
  assert.deepEqual(await state.getCall("cb-a", "c-1"), doc);
  assert.equal(await state.getLegCall("cb-a", "l-1"), "c-1");
  assert.deepEqual(await state.meetingCalls("m-1", ["cb-a", "cb-b"]), [{ nodeKey: "cb-a", callId: "c-1" }]);
  assert.equal(await state.getHighWater("s-1"), 7);
  assert.equal(await state.getPending("cb-a", "l-2"), undefined);
  assert.equal(await state.getCall("cb-a", "c-2"), undefined);
  assert.equal(reads(), 0, "no read reached the store");
  await state.dropCall(doc, "cb-a");
  assert.equal(await state.getCall("cb-a", "c-1"), undefined);
  assert.equal(await state.getLegCall("cb-a", "l-1"), undefined);
  assert.equal(reads(), 0);
  assert.deepEqual(await storage.getKeys(""), [keys.highWater("s-1")], "the store holds what the copy says");
});

test("the copy starts from what the store held; reads before it is loaded go to the store", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  const plain = createStateStore(storage);
  const doc = { call: call("c-1"), legs: { "l-1": leg("l-1", "c-1") } };
  await plain.putCall(doc);
  await plain.putApplied("cb-a", "c-1", { banner: { text: "External Participant(s) in Meeting", position: "top", duration: "permanent" }, at: 5 });
  const reads = countReads(storage);
  const state = createStateStore(storage, { soleWriter: true });
  assert.deepEqual(await state.getCall("cb-a", "c-1"), doc, "read from the store while the copy loads");
  assert.equal(await state.mirror!.loaded(), true);
  const afterLoad = reads();
  assert.deepEqual(await state.getCall("cb-a", "c-1"), doc);
  assert.deepEqual(await state.getApplied("cb-a", "c-1"), { banner: { text: "External Participant(s) in Meeting", position: "top", duration: "permanent" }, at: 5 });
  assert.equal(reads(), afterLoad, "answered from the copy");
});

test("a write made while the copy loads is not undone by the older value the load read", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  await createStateStore(storage).putHighWater("s-1", 1);
  // The load's read is held until the write below has finished.
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const s = storage as unknown as { getItems: (...args: unknown[]) => Promise<unknown> };
  const getItems = s.getItems.bind(storage);
  s.getItems = async (...args) => {
    const read = await getItems(...args);
    await gate;
    return read;
  };
  const state = createStateStore(storage, { soleWriter: true });
  await new Promise((r) => setTimeout(r, 10));
  await state.putHighWater("s-1", 2);
  release();
  assert.equal(await state.mirror!.loaded(), true);
  assert.equal(await state.getHighWater("s-1"), 2);
});

test("after a failed write the key is read from the store, until a write of it succeeds", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  const state = createStateStore(storage, { soleWriter: true });
  await state.mirror!.loaded();
  await state.putHighWater("s-1", 1);
  // The driver's: writes of state keys reach it without passing Storage.setItem (driver-access.ts).
  const s = storage.getMount("").driver as unknown as { setItem: (...args: unknown[]) => unknown };
  const original = s.setItem.bind(s);
  const setItem = async (...args: unknown[]) => {
    await original(...args);
  };
  let failNext = true;
  s.setItem = (...args) => {
    if (!failNext) return setItem(...args);
    failNext = false;
    // As a store that applied the write and then lost the answer: the copy cannot know which.
    return setItem(...args).then(() => Promise.reject(new Error("connection reset")));
  };
  await assert.rejects(state.putHighWater("s-1", 2), /store write of h:.* failed: connection reset/);
  const reads = countReads(storage);
  assert.equal(await state.getHighWater("s-1"), 2, "what the store holds, not the copy's older value");
  assert.equal(reads(), 1);
  await state.putHighWater("s-1", 3);
  assert.equal(await state.getHighWater("s-1"), 3);
  assert.equal(reads(), 1, "known again after the write that succeeded");
});

test("the readiness ping reads the store itself, not the copy", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  const state = createStateStore(storage, { soleWriter: true });
  await state.mirror!.loaded();
  const reads = countReads(storage);
  await state.ping(1);
  assert.equal(reads(), 1);
});

test("fs store: after a restart the copy holds what the last process wrote", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cms-notify-mirror-"));
  try {
    const first = openFsStore(dir);
    const doc = { call: call("c-1"), legs: { "l-1": leg("l-1", "c-1") } };
    const a = createStateStore(first.storage, { soleWriter: true });
    await a.putCall(doc);
    await a.putLegCall("cb-a", "l-1", "c-1");
    await first.close();

    const second = openFsStore(dir);
    const b = createStateStore(second.storage, { soleWriter: true });
    assert.equal(await b.mirror!.loaded(), true);
    const reads = countReads(second.storage);
    assert.deepEqual(await b.getCall("cb-a", "c-1"), doc);
    assert.equal(await b.getLegCall("cb-a", "l-1"), "c-1");
    assert.equal(reads(), 0);
    await second.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a copy that cannot be loaded is reported, and every read goes to the store", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  await createStateStore(storage).putHighWater("s-1", 4);
  const s = storage as unknown as { getKeys: (...args: unknown[]) => Promise<string[]> };
  s.getKeys = () => Promise.reject(new Error("listing refused"));
  const failures: unknown[] = [];
  const state = createStateStore(storage, { soleWriter: true, onMirrorFailed: (err) => failures.push(err) });
  assert.equal(await state.mirror!.loaded(), false);
  assert.match(String(failures[0]), /listing refused/);
  const reads = countReads(storage);
  assert.equal(await state.getHighWater("s-1"), 4);
  assert.equal(reads(), 1);
});

test("a written call document is what the next reads get, frozen; a newer write replaces it", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  const state = createStateStore(storage, { soleWriter: true });
  await state.mirror!.loaded();
  const doc = { call: call("c-1"), legs: { "l-1": leg("l-1", "c-1") } };
  await state.putCall(doc);
  const first = (await state.getCall("cb-a", "c-1"))!;
  assert.equal(first, doc, "the writer's own object, not a decoded copy");
  assert.equal(await state.getCall("cb-a", "c-1"), first, "the same object");
  assert.deepEqual((await state.getCalls([{ nodeKey: "cb-a", callId: "c-1" }]))[0], doc);
  assert.ok(Object.isFrozen(first) && Object.isFrozen(first.legs) && Object.isFrozen(first.legs["l-1"]));
  assert.throws(() => {
    (first.legs as Record<string, unknown>)["l-2"] = {};
  }, TypeError);
  const next = { call: first.call, legs: { ...first.legs, "l-2": leg("l-2", "c-1") } };
  await state.putCall(next);
  assert.deepEqual(Object.keys((await state.getCall("cb-a", "c-1"))!.legs), ["l-1", "l-2"]);
  await state.deleteCall("cb-a", "c-1");
  assert.equal(await state.getCall("cb-a", "c-1"), undefined);
});

test("a call document read back from the store's text is decoded once and shared until the next write", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  await createStateStore(storage).putCall({ call: call("c-1"), legs: { "l-1": leg("l-1", "c-1") } });
  const state = createStateStore(storage, { soleWriter: true });
  await state.mirror!.loaded();
  const first = (await state.getCall("cb-a", "c-1"))!;
  assert.equal(await state.getCall("cb-a", "c-1"), first);
  assert.ok(Object.isFrozen(first.legs["l-1"]));
});

test("the decoded documents are bounded: the least recently used goes first", () => {
  const recent = createRecentDocs(2);
  const held = [{}, {}, {}];
  const docs = held.map((_, i) => ({ call: call(`c-${i}`), legs: {} }));
  recent.put("a", held[0], docs[0]!);
  recent.put("b", held[1], docs[1]!);
  assert.equal(recent.get("a", held[0]), docs[0], "a is used, so b is now the oldest");
  recent.put("c", held[2], docs[2]!);
  assert.equal(recent.get("b", held[1]), undefined);
  assert.equal(recent.get("a", held[0]), docs[0]);
  assert.equal(recent.get("a", {}), undefined, "another write's text: not this entry");
  assert.equal(recent.size, 2);
  recent.drop("a");
  assert.equal(recent.get("a", held[0]), undefined, "a removed call's document goes at once");
  assert.equal(recent.size, 1);
});
