/**
 * Group commit: writes issued in one turn go out as one append, writes issued while an append is
 * in flight go out together in the next, and the journal holds every write in the order issued.
 * A write resolves only once its line is in the file, and reads see only what is.
 */
import assert from "node:assert/strict";

import { test } from "node:test";
import type { StorageValue } from "unstorage";
import { journalRecords, journalState, openStore, tempDirs } from "../helpers/fs-store.ts";

const dir = tempDirs();

test("writes issued in the same turn are one append", async () => {
  const d = await dir();
  const s = await openStore(d);
  try {
    await Promise.all([
      s.storage.setItem("legcall:cb-a:l-1", "c-1"),
      s.storage.setItem("legcall:cb-a:l-2", "c-1"),
      s.storage.setItem("call:cb-a:c-1", { legs: 2 }),
      s.storage.removeItem("pending:cb-a:l-1"),
      s.storage.setItems<StorageValue>([{ key: "mcalls:m-1:cb-a", value: ["c-1"] }, { key: "hwm:s", value: 3 }]),
    ]);
    assert.deepEqual(s.appends, [6]);
  } finally {
    await s.close();
  }
});

test("writers that each wait for their last write share one append per round", async () => {
  const d = await dir();
  const s = await openStore(d);
  try {
    // 8 writers, 20 writes each: every round, all 8 are waiting on the same append, and all 8
    // issue their next write while the next append has not started.
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; i < 20; i++) await s.storage.setItem(`w:${w}:${i}`, i);
      }),
    );
    assert.equal(s.appends.length, 20, `appends: ${s.appends.join(",")}`);
    assert.ok(s.appends.every((n) => n === 8));
    assert.equal((await journalState(d)).size, 160);
  } finally {
    await s.close();
  }
});

test("writes issued while an append is in flight (its fdatasync) wait for it and go out together after it", async () => {
  const d = await dir();
  // Without sync the append itself is one synchronous write, never in flight across turns.
  const s = await openStore(d, { sync: true });
  try {
    const first = s.storage.setItem("a", 1);
    let firstDone = false;
    void first.then(() => (firstDone = true));
    // Wait until the first append has started (its group is formed) but not finished.
    await new Promise((r) => setImmediate(r));
    assert.equal(firstDone, false);
    const rest = ["b", "c", "d"].map((k) => s.storage.setItem(k, 2));
    await Promise.all([first, ...rest]);
    assert.deepEqual(s.appends, [1, 3]);
  } finally {
    await s.close();
  }
});

test("the journal holds every write in the order issued, across groups, and a restart ends in the last state", async () => {
  const d = await dir();
  const s = await openStore(d);
  const issued: unknown[][] = [];
  const expected = new Map<string, string>();
  const pending: Promise<void>[] = [];
  try {
    for (let i = 0; i < 300; i++) {
      const key = `k:${i % 17}`;
      if (i % 5 === 3) {
        issued.push(["r", key]);
        expected.delete(key);
        pending.push(s.storage.removeItem(key));
      } else {
        issued.push(["s", key, String(i)]);
        expected.set(key, String(i));
        pending.push(s.storage.setItem(key, String(i)));
      }
      // Now and then a wait for the last write, so that the writes span several groups.
      if (i % 25 === 0) await pending.at(-1);
    }
    await Promise.all(pending);
    assert.ok(s.appends.length > 10, `several groups (${s.appends.length})`);
    assert.deepEqual(await journalRecords(d), issued);
  } finally {
    await s.close();
  }
  const again = await openStore(d);
  try {
    const got = new Map((await again.storage.getKeys("")).map((k) => [k, ""]));
    for (const k of got.keys()) got.set(k, String(await again.storage.getItem(k)));
    assert.deepEqual(got, expected);
  } finally {
    await again.close();
  }
});

test("a read issued while a write is in flight sees the value before it: only what is on disk is read", async () => {
  const d = await dir();
  const s = await openStore(d);
  try {
    await s.storage.setItem("hwm:s", 1);
    const write = s.storage.setItem("hwm:s", 2);
    assert.equal(await s.storage.getItem("hwm:s"), 1);
    await write;
    assert.equal(await s.storage.getItem("hwm:s"), 2);
  } finally {
    await s.close();
  }
});
