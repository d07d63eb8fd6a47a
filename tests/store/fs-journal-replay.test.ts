/**
 * The fs store's journal across restarts: what was written is there after a restart; a torn last
 * line (a crash mid-append) is dropped and cut off; a bad line anywhere else stops the start with
 * an error that names the file, the line and the byte offset, and leaves the file as it was.
 */
import assert from "node:assert/strict";
import { appendFile, readFile, stat, writeFile } from "node:fs/promises";
import { test } from "node:test";
import { journalPath, journalRecords, openStore, tempDirs } from "../helpers/fs-store.ts";

const dir = tempDirs();

test("values round-trip, and a restart replays sets, overwrites and removes", async () => {
  const d = await dir();
  const first = await openStore(d);
  const doc = { call: { id: "c-1", name: "Zoë's \"weekly\"\nsync" }, legs: {} };
  await first.storage.setItem("call:cb-a:c-1", doc);
  await first.storage.setItem("legcall:cb-a:l-1", "c-1");
  await first.storage.setItem("hwm:s-1", 7);
  await first.storage.setItem("hwm:s-1", 8);
  await first.storage.setItem("gone", true);
  await first.storage.removeItem("gone");
  assert.deepEqual(await first.storage.getItem("call:cb-a:c-1"), doc);
  await first.close();

  const again = await openStore(d);
  try {
    assert.deepEqual(await again.storage.getItem("call:cb-a:c-1"), doc);
    assert.equal(await again.storage.getItem("legcall:cb-a:l-1"), "c-1");
    assert.equal(await again.storage.getItem("hwm:s-1"), 8);
    assert.equal(await again.storage.hasItem("gone"), false);
    assert.deepEqual((await again.storage.getKeys("")).sort(), ["call:cb-a:c-1", "hwm:s-1", "legcall:cb-a:l-1"]);
    assert.deepEqual(await again.storage.getKeys("call:cb-a"), ["call:cb-a:c-1"]);
  } finally {
    await again.close();
  }
});

test("a torn last line is ignored and cut off, and appending goes on after the last whole line", async () => {
  const d = await dir();
  const first = await openStore(d);
  await first.storage.setItem("a", "one");
  await first.storage.setItem("b", "two");
  await first.close();
  const whole = (await stat(journalPath(d))).size;
  // What a process killed in the middle of an append leaves: the start of a line, no newline.
  await appendFile(journalPath(d), '0badc0de ["s","c","thr');

  const again = await openStore(d);
  try {
    assert.equal((await stat(journalPath(d))).size, whole, "the torn bytes are cut off");
    assert.deepEqual((await again.storage.getKeys("")).sort(), ["a", "b"]);
    await again.storage.setItem("c", "three");
  } finally {
    await again.close();
  }
  const third = await openStore(d);
  try {
    assert.equal(await third.storage.getItem("c"), "three");
    assert.deepEqual(await journalRecords(d), [["s", "a", "one"], ["s", "b", "two"], ["s", "c", "three"]]);
  } finally {
    await third.close();
  }
});

for (const [what, damage] of [
  ["a changed byte inside a value (still valid JSON; the checksum catches it)", (text: string) => text.replace('"two"', '"twO"')],
  ["a line that is not a record", (text: string) => text.replace(/\n/, "\ngarbage\n")],
] as const) {
  test(`a bad line before the end stops the start with its file, line and offset: ${what}`, async () => {
    const d = await dir();
    const first = await openStore(d);
    for (const [k, v] of [["a", "one"], ["b", "two"], ["c", "three"]]) await first.storage.setItem(k, v);
    await first.close();
    const text = await readFile(journalPath(d), "utf8");
    const damaged = damage(text);
    await writeFile(journalPath(d), damaged);
    const offset = damaged.indexOf("\n") + 1;

    await assert.rejects(openStore(d), (err: Error) => {
      assert.equal(err.name, "FsStoreError");
      assert.ok(err.message.includes(journalPath(d)), err.message);
      assert.match(err.message, new RegExp(`line 2 \\(byte offset ${offset}\\)`));
      assert.match(err.message, /not an interrupted write/);
      return true;
    });
    assert.equal(await readFile(journalPath(d), "utf8"), damaged, "the journal is left as it was");
    // The refused start let go of the directory: with the journal repaired, the next one opens.
    await writeFile(journalPath(d), text);
    const repaired = await openStore(d);
    assert.equal(await repaired.storage.getItem("c"), "three");
    await repaired.close();
  });
}
