/**
 * A failing disk refuses the write (the service answers 503 and CMS sends the batch again), keeps
 * the refused write out of memory and out of the journal, and takes writes again once the disk
 * is back.
 */
import assert from "node:assert/strict";
import { mkdir, rename, rmdir } from "node:fs/promises";
import { test } from "node:test";
import { journalPath, journalRecords, openStore, spawnChild, tempDirs } from "../helpers/fs-store.ts";

const dir = tempDirs();

test("the journal's path replaced by a directory: writes are refused and not read back; put back, writes go on", async () => {
  const d = await dir();
  const s = await openStore(d);
  try {
    await s.storage.setItem("a", "before");
    await rename(journalPath(d), `${journalPath(d)}.away`);
    await mkdir(journalPath(d));

    const refused = await Promise.allSettled([s.storage.setItem("a", "during"), s.storage.setItem("b", "during")]);
    for (const r of refused) {
      assert.equal(r.status, "rejected");
      const err = (r as PromiseRejectedResult).reason as Error;
      assert.equal(err.name, "FsStoreError");
      assert.match(err.message, /no longer the journal/);
    }
    assert.equal(await s.storage.getItem("a"), "before", "memory holds only what is on disk");
    assert.equal(await s.storage.hasItem("b"), false);

    await rmdir(journalPath(d));
    await rename(`${journalPath(d)}.away`, journalPath(d));
    await s.storage.setItem("b", "after");
  } finally {
    await s.close();
  }
  assert.deepEqual(await journalRecords(d), [["s", "a", "before"], ["s", "b", "after"]]);
});

test("the directory gone: the write is refused with the system's error as its cause", async () => {
  const d = await dir();
  const s = await openStore(d);
  try {
    await rename(d, `${d}.away`);
    await assert.rejects(s.storage.setItem("a", 1), (err: Error) => {
      assert.equal(err.name, "FsStoreError");
      assert.equal((err.cause as NodeJS.ErrnoException).code, "ENOENT");
      return true;
    });
    await rename(`${d}.away`, d);
    await s.storage.setItem("a", 2);
    assert.equal(await s.storage.getItem("a"), 2);
  } finally {
    await s.close();
  }
});

test("a group the disk takes only part of (file size limit): refused with EFBIG, cut back, and the next write is whole", async () => {
  const d = await dir();
  // A 2 MiB file size limit (POSIX sh's ulimit -f counts 512-byte blocks; Node ignores SIGXFSZ, so the write
  // fails with EFBIG). The group of two 1.5 MiB values gets its first line whole and the second
  // in part: left in the file, the whole line would come back at the next start.
  const child = spawnChild(["oversize", d, String(1.5 * (1 << 20))], "ulimit -f 4096; ");
  assert.equal(await child.exited, 0, child.lines.join("\n"));
  assert.deepEqual(child.lines, ["before ok", "big failed FsStoreError EFBIG", "big in memory false false", "after ok", "done"]);

  const s = await openStore(d);
  try {
    assert.deepEqual((await s.storage.getKeys("")).sort(), ["after", "before"]);
  } finally {
    await s.close();
  }
  assert.deepEqual(await journalRecords(d), [["s", "before", "small"], ["s", "after", "small too"]]);
});
