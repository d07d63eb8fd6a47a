/**
 * One process per fs store directory: a second one is refused with an error that says so and
 * points to Redis; a lock left by a process that is gone is taken over.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { openStore, spawnChild, tempDirs } from "../helpers/fs-store.ts";

const dir = tempDirs();

const lockPath = (d: string) => join(d, "store.lock");

test("a directory held by a live process is refused, with the holder's pid and the way to several instances", async () => {
  const d = await dir();
  const holder = spawnChild(["hold", d]);
  try {
    await holder.line(/^ready$/);
    await assert.rejects(openStore(d), (err: Error) => {
      assert.equal(err.name, "FsStoreError");
      assert.match(err.message, new RegExp(`in use by process ${holder.process.pid}`));
      assert.match(err.message, /serves one instance/);
      assert.match(err.message, /redis:\/\//);
      return true;
    });
    assert.equal(await readFile(lockPath(d), "utf8"), `${holder.process.pid}\n`, "the holder's lock is untouched");
  } finally {
    holder.process.kill("SIGKILL");
    await holder.exited;
  }
  // Killed, the holder left its lock behind; it is stale now and the next start takes it over.
  const next = await openStore(d);
  assert.equal(await readFile(lockPath(d), "utf8"), `${process.pid}\n`);
  await next.close();
});

test("a lock whose pid is not running is taken over, and released on close", async () => {
  const d = await dir();
  const gone = spawnSync(process.execPath, ["-e", ""]).pid;
  await writeFile(lockPath(d), `${gone}\n`);
  const s = await openStore(d);
  await s.storage.setItem("a", 1);
  assert.equal(await readFile(lockPath(d), "utf8"), `${process.pid}\n`);
  await s.close();
  await assert.rejects(readFile(lockPath(d)), { code: "ENOENT" });
});

test("a lock with this process's own pid that it does not hold is stale (a restarted container reuses pids)", async () => {
  const d = await dir();
  await writeFile(lockPath(d), `${process.pid}\n`);
  const s = await openStore(d);
  await s.close();
});

test("the same directory twice in one process is refused too", async () => {
  const d = await dir();
  const s = await openStore(d);
  try {
    await assert.rejects(openStore(d), /in use by process/);
    await s.storage.setItem("still", "writable");
  } finally {
    await s.close();
  }
});
