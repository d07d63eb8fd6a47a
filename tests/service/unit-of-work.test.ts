/**
 * A batch reads everything it may need first, together (src/service/unit-of-work.ts, load), then
 * applies its records without waiting. Checked on a store without the sole writer's copy (as
 * Redis is), where every read reaches the store: a batch costs one read per kind, not one per
 * record, and a leg that moves to another call is still taken out of the call the store had it in,
 * though the batch never names that call.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createStorage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import { parseCdrBatch } from "../../src/core/parse-cdr.ts";
import type { Batch } from "../../src/core/records.ts";
import { loadConfig } from "../../src/config.ts";
import { ingestBatch } from "../../src/service/ingest.ts";
import { UnitOfWork, UnloadedReadError } from "../../src/service/unit-of-work.ts";
import { createStateStore, type StateStore } from "../../src/store/state.ts";
import { countReads } from "../helpers/store-reads.ts";

const loaded = loadConfig({ CMS_NODES: "cb-a=https://127.0.0.1:1", CMS_USERNAME: "u", CMS_PASSWORD: "p" });
if (!loaded.ok) throw new Error(loaded.errors.join("; "));
const policy = loaded.config.policy;

let index = 0;
const record = (type: string, inner: string) =>
  `<record type="${type}" time="2026-11-27T10:00:00Z" recordIndex="${++index}" correlatorIndex="${index}">${inner}</record>`;
const callStart = (id: string) => record("callStart", `<call id="${id}"><name>Meeting ${id}</name><callCorrelator>m-${id}</callCorrelator></call>`);
const legStart = (id: string, callId: string) =>
  record("callLegStart", `<callLeg id="${id}"><call>${callId}</call><displayName>Room ${id}</displayName><type>sip</type><remoteParty>sip:${id}@corp.example</remoteParty></callLeg>`);
const legMoved = (id: string, callId: string) => record("callLegUpdate", `<callLeg id="${id}"><call>${callId}</call><state>connected</state></callLeg>`);
const legEnd = (id: string) => record("callLegEnd", `<callLeg id="${id}"><reason>remoteTeardown</reason></callLeg>`);

function batchOf(...records: string[]): Batch {
  const parsed = parseCdrBatch(`<?xml version="1.0"?><records>${records.join("")}</records>`);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.batch;
}

const legIdsOf = async (state: StateStore, callId: string) => Object.keys((await state.getCall("cb-a", callId))?.legs ?? {}).sort();

test("a batch of ten records about three calls reads the store three times: leg pointers, calls, waiting legs", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  const state = createStateStore(storage);
  await ingestBatch(state, batchOf(callStart("c-1"), callStart("c-2"), callStart("c-3")), "cb-a", 1, policy);
  const reads = countReads(storage);
  const batch = batchOf(
    legStart("l-1", "c-1"), legStart("l-2", "c-1"), legStart("l-3", "c-2"), legStart("l-4", "c-2"), legStart("l-5", "c-3"),
    legStart("l-6", "c-3"), legEnd("l-1"), legEnd("l-3"), legEnd("l-5"), legStart("l-7", "c-1"),
  );
  const result = await ingestBatch(state, batch, "cb-a", 2, policy);
  assert.equal(result.applied, 10);
  assert.equal(reads(), 3, "one read per kind for the whole batch");
  assert.deepEqual(await legIdsOf(state, "c-1"), ["l-2", "l-7"]);
  assert.deepEqual(await legIdsOf(state, "c-2"), ["l-4"]);
  assert.deepEqual(await legIdsOf(state, "c-3"), ["l-6"]);
});

for (const soleWriter of [false, true]) {
  test(`a leg that moves leaves the call the store had it in, though the batch never names that call (${soleWriter ? "with" : "without"} the copy)`, async () => {
    const state = createStateStore(createStorage({ driver: memoryDriver() }), { soleWriter });
    await ingestBatch(state, batchOf(callStart("c-1"), callStart("c-2"), legStart("l-1", "c-1"), legStart("l-2", "c-1")), "cb-a", 1, policy);
    await ingestBatch(state, batchOf(legMoved("l-1", "c-2")), "cb-a", 2, policy);
    assert.deepEqual(await legIdsOf(state, "c-1"), ["l-2"]);
    assert.deepEqual(await legIdsOf(state, "c-2"), ["l-1"]);
    assert.equal(await state.getLegCall("cb-a", "l-1"), "c-2");
  });
}

test("a read the batch did not load first is a bug, and says so", () => {
  const uow = new UnitOfWork(createStateStore(createStorage({ driver: memoryDriver() })), "cb-a");
  assert.throws(() => uow.call("c-9"), (err: unknown) => err instanceof UnloadedReadError && /call c-9 was not loaded/.test(err.message));
  assert.throws(() => uow.legCall("l-9"), UnloadedReadError);
});
