/**
 * The audit day index (`audit:days`) is read, changed and written back both by the first entry of
 * a day and by pruning. A prune that had read the index before a new day was added must not write
 * it back without that day: the day's entries would then be missing from every query.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createStorage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import { createKeyedMutex } from "../../src/service/keyed-mutex.ts";
import { createAuditLog } from "../../src/store/audit.ts";
import { keys } from "../../src/store/keys.ts";

const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 26, 0, 5);
const today = "2026-11-26";
const oldDay = "2026-10-01";

test("a day's first entry, written while a prune rewrites the index, stays in the index", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  await storage.setItem(keys.auditEntry(oldDay, "1790000000000-seed0000"), { m: "m-old", n: "Old", o: "cb-a", c: "c-old" });
  await storage.setItem(keys.auditDays, [oldDay]);

  // The prune's write of the index is held until the entry below has had its chance to land.
  let reached!: () => void;
  const atHold = new Promise<void>((r) => (reached = r));
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let holdNext = true;
  const s = storage as unknown as { setItem: (key: string, ...rest: unknown[]) => Promise<void> };
  const setItem = s.setItem.bind(storage);
  s.setItem = async (key, ...rest) => {
    if (key === keys.auditDays && holdNext) {
      holdNext = false;
      reached();
      await held;
    }
    return setItem(key, ...rest);
  };

  // As the service builds it.
  const mutex = createKeyedMutex();
  const log = createAuditLog(storage, (task) => mutex.run("audit-days", task));
  const pruning = log.prune(now, 30);
  await atHold;
  const entry = { at: now, meetingId: "m-1", meetingName: "Standup", node: "cb-a", callId: "c-1", from: "", to: "External Participant(s) in Meeting", cause: "call c-1 started" };
  const recording = log.record(entry);
  await Promise.race([recording, new Promise((r) => setTimeout(r, 50))]);
  release();
  assert.equal(await pruning, 1);
  await recording;

  assert.deepEqual(await storage.getItem(keys.auditDays), [today]);
  assert.deepEqual(await log.query({ since: now - DAY }), [entry]);
});
