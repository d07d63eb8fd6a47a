/**
 * Which days hold audit entries is told by one mark per day (`audit:i:<day>`), set by writers and
 * removed only by a prune that emptied the day. It replaced a list of days that writers and
 * pruning both read, changed and wrote back: a prune that had read it before a new day was added
 * wrote it back without that day, and the day's entries went missing from every query. The list
 * of before is still read, and the first prune turns it into marks.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createStorage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import { createAuditLog } from "../../src/store/audit.ts";
import { keys } from "../../src/store/keys.ts";

const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 26, 0, 5);
const today = "2026-11-26";
const oldDay = "2026-10-01";
const keptDay = "2026-11-20";
const entryAt = (at: number, meetingId: string) => ({
  at, meetingId, meetingName: "Standup", node: "cb-a", callId: `c-${meetingId}`, from: "", to: "External Participant(s) in Meeting", cause: "call started",
});

test("a day's first entry, written while a prune is removing an old day, stays listed: no lock involved", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  const log = createAuditLog(storage);
  await log.record(entryAt(Date.UTC(2026, 9, 1, 12), "m-old"));
  assert.deepEqual(await storage.getKeys(keys.auditDayMarks), [keys.auditDayMark(oldDay)]);

  // The prune is held just before it removes the old day's mark, until the entry below has landed.
  let reached!: () => void;
  const atHold = new Promise<void>((r) => (reached = r));
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const s = storage as unknown as { removeItem: (key: string, ...rest: unknown[]) => Promise<void> };
  const removeItem = s.removeItem.bind(storage);
  s.removeItem = async (key, ...rest) => {
    if (key === keys.auditDayMark(oldDay)) {
      reached();
      await held;
    }
    return removeItem(key, ...rest);
  };

  const pruning = createAuditLog(storage).prune(now, 30);
  await atHold;
  const entry = entryAt(now, "m-1");
  await log.record(entry);
  release();
  assert.equal(await pruning, 1);

  assert.deepEqual(await storage.getKeys(keys.auditDayMarks), [keys.auditDayMark(today)]);
  assert.deepEqual(await log.query({ since: now - DAY }), [entry]);
  assert.deepEqual(await log.query({ since: 0 }), [entry]);
});

test("the day list of before is read, and the first prune turns its kept days into marks and removes it", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  const old = entryAt(Date.UTC(2026, 9, 1, 12), "m-old");
  const kept = entryAt(Date.UTC(2026, 10, 20, 12), "m-kept");
  // As a version before the marks wrote them: entries, and the list.
  await storage.setItem(keys.auditEntry(oldDay, `${old.at}-seed0000`), { m: old.meetingId, n: old.meetingName, o: old.node, c: old.callId, t: old.to, y: old.cause });
  await storage.setItem(keys.auditEntry(keptDay, `${kept.at}-seed0001`), { m: kept.meetingId, n: kept.meetingName, o: kept.node, c: kept.callId, t: kept.to, y: kept.cause });
  await storage.setItem(keys.legacyAuditDays, [oldDay, keptDay]);

  const log = createAuditLog(storage);
  assert.deepEqual(await log.query({ since: 0 }), [kept, old], "both days found through the list");
  assert.equal(await log.prune(now, 30), 1);
  assert.equal(await storage.hasItem(keys.legacyAuditDays), false);
  assert.deepEqual(await storage.getKeys(keys.auditDayMarks), [keys.auditDayMark(keptDay)]);
  assert.deepEqual(await log.query({ since: 0 }), [kept]);
});
