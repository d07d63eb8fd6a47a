/**
 * One process per fs store directory. The store keeps every key in memory and appends to one
 * journal, so a second process on the same directory would neither see the first one's writes nor
 * keep its own journal whole. Several instances share state through Redis instead.
 *
 * The lock is a file holding the owner's pid. It is made complete under a temporary name and then
 * hard-linked into place, which fails if the lock exists, so nobody ever reads a half-written one.
 * A lock whose pid is no longer running is left over from a crash and is taken over. A lock with
 * this process's own pid that this process does not hold is also stale: a container restarted
 * with the same volume runs the service under the same small pid again.
 *
 * This guards against a second instance started by mistake; it is not a distributed lock (two
 * processes taking over the same stale lock in the same instant could both proceed).
 */
import { link, readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FsStoreError } from "./fs-journal-format.ts";

export const LOCK_FILE = "store.lock";

/** Directories this process holds, so a second store on one of them is refused too. */
const held = new Set<string>();

export interface DirLock {
  release(): Promise<void>;
}

export async function lockDirectory(dir: string): Promise<DirLock> {
  const path = join(dir, LOCK_FILE);
  if (held.has(dir)) throw inUse(dir, path, process.pid);
  const temp = `${path}.${process.pid}`;
  await writeFile(temp, `${process.pid}\n`);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(temp, path);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt === 2) throw err;
      }
      const holder = await holderOf(path);
      if (holder !== undefined && holder !== process.pid && running(holder)) throw inUse(dir, path, holder);
      await unlink(path).catch(ignoreMissing);
    }
  } finally {
    await unlink(temp).catch(ignoreMissing);
  }
  held.add(dir);
  return {
    async release() {
      held.delete(dir);
      // Only our own: after a takeover race the file may be someone else's.
      if ((await holderOf(path)) === process.pid) await unlink(path).catch(ignoreMissing);
    },
  };
}

async function holderOf(path: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(path, "utf8"), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (err) {
    ignoreMissing(err);
    return undefined;
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function ignoreMissing(err: unknown) {
  if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
}

function inUse(dir: string, path: string, pid: number): FsStoreError {
  return new FsStoreError(
    `fs store: ${dir} is in use by process ${pid} (${path}). The fs store serves one instance; ` +
      "to run several instances, give them a shared Redis (STORAGE=redis://…). " +
      `If no cms-notify process ${pid} is running, delete ${path} and start again.`,
  );
}
