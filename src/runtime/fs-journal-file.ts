/**
 * The journal file of one fs store directory: replayed when opened, appended to by group commits,
 * replaced whole by a snapshot (at compaction, and when a journal is first created).
 *
 * Two rules keep what is on disk equal to what was acknowledged:
 * - An append that fails part-way may leave some of its bytes behind. The next append first cuts
 *   the file back to the last acknowledged byte; otherwise those bytes would sit in the middle of
 *   the journal, and the next start would find corruption there.
 * - Before each append, the path must still name the file this process opened. A journal moved,
 *   deleted or replaced while the service runs would otherwise take writes that the next start
 *   never reads; refusing them turns that into a 503, and CMS sends the batch again.
 *
 * An append and its check are synchronous system calls on the event loop (about 10 µs together
 * for a group of a few documents into the page cache), where the promise API costs about 30 µs
 * of CPU for each, nearly all of it the trip through libuv's thread pool (measured on our VM).
 * The fdatasync of `sync: true` takes milliseconds and goes through the pool. The fs store is
 * meant for a local disk; a network file system could hold the event loop in these calls.
 */
import { ftruncateSync, statSync, writeSync } from "node:fs";
import { open, readFile, rename, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { encodeEntries, FsStoreError, replay } from "./fs-journal-format.ts";

export interface Journal {
  /** Bytes acknowledged so far. */
  readonly size: number;
  /** Writes `data` after the last acknowledged byte; with `sync`, fdatasync before resolving. */
  append(data: Uint8Array): Promise<void>;
  /** Makes `snap` the journal (rename over it) and appends to it from now on; `snap`'s handle is the journal's from here, or closed. */
  install(snap: Snapshot): Promise<void>;
  close(): Promise<void>;
}

/** A new journal being written beside the current one, not yet in its place. */
export interface Snapshot {
  readonly path: string;
  readonly handle: FileHandle;
  size: number;
}

const SLICE_BYTES = 1 << 20;

/** Opens and replays the journal at `path`; a torn last line is cut off before anything is appended. */
export async function openJournal(path: string, opts: { sync: boolean }) {
  const bytes = await readFile(path);
  const { entries, goodBytes, tornBytes } = replay(bytes, path);
  const handle = await open(path, "r+");
  try {
    if (tornBytes) await handle.truncate(goodBytes);
    const journal = await journalOn(path, handle, goodBytes, opts.sync);
    return { journal, entries };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

async function journalOn(path: string, first: FileHandle, firstSize: number, sync: boolean): Promise<Journal> {
  let handle = first;
  let size = firstSize;
  let identity = await handle.stat({ bigint: true });
  // Bytes past `size` that a failed append may have left.
  let dirty = false;

  function checkIdentity() {
    let now;
    try {
      now = statSync(path, { bigint: true });
    } catch (err) {
      throw new FsStoreError(`fs store: the journal ${path} is gone (${(err as NodeJS.ErrnoException).code}); writes are refused until it is back`, { cause: err });
    }
    if (now.ino !== identity.ino || now.dev !== identity.dev) {
      throw new FsStoreError(`fs store: ${path} is no longer the journal this process opened (it was moved or replaced); writes are refused until it is back`);
    }
  }

  return {
    get size() {
      return size;
    },
    async append(data) {
      if (dirty) {
        ftruncateSync(handle.fd, size);
        dirty = false;
      }
      checkIdentity();
      try {
        for (let done = 0; done < data.byteLength; ) {
          const written = writeSync(handle.fd, data, done, data.byteLength - done, size + done);
          if (written === 0) throw new FsStoreError("fs store: the disk took no bytes of a write");
          done += written;
        }
        if (sync) await handle.datasync();
      } catch (err) {
        dirty = true;
        throw err;
      }
      size += data.byteLength;
    },
    async install(snap) {
      let next;
      try {
        next = await snap.handle.stat({ bigint: true });
        await rename(snap.path, path);
      } catch (err) {
        await snap.handle.close().catch(() => {});
        throw err;
      }
      const old = handle;
      handle = snap.handle;
      size = snap.size;
      identity = next;
      dirty = false;
      await old.close().catch(() => {});
      if (sync) await syncDirectory(dirname(path));
    },
    close: () => handle.close(),
  };
}

/**
 * Writes `entries` to `path` (created or emptied), in slices so that the event loop keeps serving
 * between them, and fsyncs it: a snapshot replaces every earlier byte, so a power cut must never
 * leave a half-written one in the journal's place, whatever the per-append setting.
 */
export async function writeSnapshot(path: string, entries: readonly (readonly [string, string])[]): Promise<Snapshot> {
  const handle = await open(path, "w");
  const snap: Snapshot = { path, handle, size: 0 };
  try {
    let from = 0;
    while (from < entries.length) {
      let to = from;
      let bytes = 0;
      while (to < entries.length && bytes < SLICE_BYTES) bytes += entries[to]![0].length + entries[to++]![1].length;
      const data = Buffer.from(encodeEntries(entries.slice(from, to)));
      await writeAll(handle, data, snap.size);
      snap.size += data.byteLength;
      from = to;
    }
    await handle.sync();
    return snap;
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** Appends to a snapshot that is not installed yet (writes committed while it was written). */
export async function extendSnapshot(snap: Snapshot, data: Uint8Array, sync: boolean): Promise<void> {
  await writeAll(snap.handle, data, snap.size);
  snap.size += data.byteLength;
  if (sync) await snap.handle.datasync();
}

/** Creates the journal at `path` holding `entries`, durably: this runs once per directory. */
export async function createJournal(path: string, entries: readonly (readonly [string, string])[]): Promise<void> {
  const snap = await writeSnapshot(`${path}.tmp`, entries);
  await snap.handle.close();
  await rename(snap.path, path);
  await syncDirectory(dirname(path));
}

async function writeAll(handle: FileHandle, data: Uint8Array, position: number) {
  let done = 0;
  while (done < data.byteLength) {
    const { bytesWritten } = await handle.write(data, done, data.byteLength - done, position + done);
    if (bytesWritten === 0) throw new FsStoreError("fs store: the disk took no bytes of a write");
    done += bytesWritten;
  }
}

/** A rename is durable only once its directory is. */
async function syncDirectory(dir: string) {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
