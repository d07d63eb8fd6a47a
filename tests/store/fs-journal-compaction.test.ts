/**
 * Compaction: once the journal outgrows the live data, it is rewritten as a snapshot of the live
 * keys while writes go on. Every key survives, including those written during the compaction,
 * and so does a restart after it.
 */
import assert from "node:assert/strict";
import { readdir, rm, stat, writeFile } from "node:fs/promises";
import { after, test } from "node:test";
import { freshDir, journalPath, journalState, openStore } from "../helpers/fs-store.ts";

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

test("compaction keeps every key, takes writes issued while it runs, shrinks the journal, and survives a restart", async () => {
  const d = await freshDir();
  dirs.push(d);
  const s = await openStore(d, { compactRatio: 2, compactMinBytes: 64 * 1024 });
  const expected = new Map<string, unknown>();
  let written = 0;
  try {
    // 300 documents of ~1 KB, each rewritten many times, from 6 writers: the journal passes
    // twice the live data (~300 KB) again and again while writes keep coming.
    await Promise.all(
      Array.from({ length: 6 }, async (_, w) => {
        for (let round = 0; round < 20; round++) {
          for (let i = w; i < 300; i += 6) {
            const key = `call:cb-${i % 3}:c-${i}`;
            const value = { round, i, pad: "p".repeat(1000) };
            if (round === 19 && i % 10 === 0) {
              await s.storage.removeItem(key);
              expected.delete(key);
            } else {
              await s.storage.setItem(key, value);
              expected.set(key, value);
            }
            written++;
          }
        }
      }),
    );
    assert.ok(s.compactions.length >= 3, `compactions: ${s.compactions.length}`);
    assert.deepEqual(s.compactions.filter(Boolean), [], "no compaction failed");
    const size = (await stat(journalPath(d))).size;
    assert.ok(size < written * 1000, `the journal (${size} B) is far below what was written (${written} writes of ~1 KB)`);
    for (const [key, value] of expected) assert.deepEqual(await s.storage.getItem(key), value, key);
    assert.equal((await s.storage.getKeys("call")).length, expected.size);
  } finally {
    await s.close();
  }
  assert.deepEqual((await readdir(d)).sort(), ["store.journal"], "no snapshot left behind, lock released");
  assert.equal((await journalState(d)).size, expected.size);

  const again = await openStore(d);
  try {
    assert.equal((await again.storage.getKeys("")).length, expected.size);
    for (const [key, value] of expected) assert.deepEqual(await again.storage.getItem(key), value, key);
  } finally {
    await again.close();
  }
});

test("a snapshot left half-written by a crash is removed at start, and the journal beside it is what loads", async () => {
  const d = await freshDir();
  dirs.push(d);
  const first = await openStore(d);
  await first.storage.setItem("a", "kept");
  await first.close();
  await writeFile(`${journalPath(d)}.tmp`, '0badc0de ["s","a","half of a snaps');

  const again = await openStore(d);
  try {
    assert.equal(await again.storage.getItem("a"), "kept");
    assert.deepEqual((await readdir(d)).sort(), ["store.journal", "store.lock"]);
  } finally {
    await again.close();
  }
});
