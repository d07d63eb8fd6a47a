/**
 * Upgrading from the previous fs layout (one file per key, written by the atomic per-key driver
 * that Deno still uses): the first start imports every key into a new journal and leaves the old
 * files alone; later starts read only the journal.
 */
import assert from "node:assert/strict";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, test } from "node:test";
import { createStorage } from "unstorage";
import { atomicFsDriver } from "../helpers/legacy-fs-driver.ts";
import { freshDir, openStore } from "../helpers/fs-store.ts";

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

test("the old layout is imported once, whole, and its files are left as they were", async () => {
  const d = await freshDir();
  dirs.push(d);
  const old = createStorage({ driver: atomicFsDriver({ base: d }) });
  const values: Record<string, unknown> = {
    "call:cb-a:c-1": { call: { id: "c-1", name: "Ünïcødé meeting" }, legs: { "l-1": { id: "l-1" } } },
    "legcall:cb-a:l-1": "c-1",
    "mcalls:m-1:cb-a": ["c-1"],
    "hwm:session-1": 196284,
    nodekeys: ["cb-a"],
    "audit:d:2026-11-26:1795695024059-abcd": { cause: "seeded" },
  };
  for (const [key, value] of Object.entries(values)) await old.setItem(key, value as never);
  // An interrupted write of the old driver: never a key.
  await writeFile(join(d, "call", "cb-a", ".tmp-0f1e"), "{half");
  assert.equal(await readFile(join(d, "legcall", "cb-a", "l-1"), "utf8"), "c-1", "the old driver's layout: a:b:c → a/b/c");

  const first = await openStore(d);
  try {
    assert.deepEqual((await first.storage.getKeys("")).sort(), Object.keys(values).sort());
    for (const [key, value] of Object.entries(values)) assert.deepEqual(await first.storage.getItem(key), value, key);
    await first.storage.setItem("legcall:cb-a:l-1", "c-2");
  } finally {
    await first.close();
  }
  assert.equal(await readFile(join(d, "legcall", "cb-a", "l-1"), "utf8"), "c-1", "the old file is left alone");

  // An old file changed after the upgrade is not imported again: the journal is the store now.
  await writeFile(join(d, "hwm", "session-1"), "1");
  const second = await openStore(d);
  try {
    assert.equal(await second.storage.getItem("legcall:cb-a:l-1"), "c-2");
    assert.equal(await second.storage.getItem("hwm:session-1"), 196284);
  } finally {
    await second.close();
  }
});

test("an empty directory starts an empty store", async () => {
  const d = await freshDir();
  dirs.push(d);
  const s = await openStore(join(d, "state", "nested"));
  try {
    assert.deepEqual(await s.storage.getKeys(""), []);
  } finally {
    await s.close();
  }
});
