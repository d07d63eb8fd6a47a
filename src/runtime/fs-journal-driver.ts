/**
 * The fs store (Node, and Deno through its node:fs): every key in memory, every write appended
 * to one journal file in the directory, replayed at start. One file per key cost a file creation
 * or removal per write, each a journaled directory change in the kernel (340–1,000 µs of CPU on
 * our VM; docs/performance.md); this costs one append per group of writes (fs-group-commit.ts).
 *
 * - A write resolves once its line is in the file (the page cache): it survives the process being
 *   killed, as the atomic per-key files did. `sync: true` adds an fdatasync per append, which also
 *   survives a power cut (README, "The fs store", for the cost).
 * - The Map changes only after the append succeeded, so a read never returns what is not on disk.
 * - When the journal reaches `compactRatio` times the live data (and at least `compactMinBytes`),
 *   the live keys are written to a snapshot beside it while writes go on; the writes committed
 *   meanwhile are added to the snapshot, which then replaces the journal between two appends.
 * - One process per directory (fs-dir-lock.ts); the previous layout is imported once
 *   (fs-legacy-layout.ts).
 */
import { mkdir, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createStorage, defineDriver } from "unstorage";
import { LOCK_FILE, lockDirectory, type DirLock } from "./fs-dir-lock.ts";
import { groupCommit } from "./fs-group-commit.ts";
import { createJournal, extendSnapshot, openJournal, writeSnapshot, type Journal, type Snapshot } from "./fs-journal-file.ts";
import { encodeOps, FsStoreError, type JournalOp } from "./fs-journal-format.ts";
import { readLegacyLayout } from "./fs-legacy-layout.ts";

export const JOURNAL_FILE = "store.journal";

export interface FsJournalOptions {
  base: string;
  /** fdatasync after every append (default false: survives a crash of the process, not of the machine). */
  sync?: boolean;
  compactRatio?: number;
  compactMinBytes?: number;
  /** Told of every append and compaction: for the tests and the bench probe. */
  observe?: { append?(records: number, bytes: number): void; compacted?(error?: unknown): void };
}

interface Opened {
  lock: DirLock;
  journal: Journal;
  entries: Map<string, string>;
}

const own = (name: string) => [JOURNAL_FILE, LOCK_FILE].some((f) => name === f || name.startsWith(`${f}.`));

/** Compaction compares sizes; key and value lengths plus the line's framing are near enough. */
const weight = (key: string, value: string) => key.length + value.length + 16;

/** unstorage hands drivers a base such as `c:`; keys are matched by plain string prefix. */
function keysUnder(s: Opened, base: string | undefined): string[] {
  const trimmed = (base ?? "").replace(/^:+|:+$/g, "");
  const prefix = trimmed ? `${trimmed}:` : "";
  return [...s.entries.keys()].filter((k) => k.startsWith(prefix));
}

export const fsJournalDriver = defineDriver((opts: FsJournalOptions) => {
  const dir = resolve(opts.base);
  const path = join(dir, JOURNAL_FILE);
  const sync = opts.sync ?? false;
  const ratio = opts.compactRatio ?? 4;
  const minBytes = opts.compactMinBytes ?? 8 << 20;
  let liveBytes = 0;
  let state: Opened | undefined;
  let closed = false;
  let compaction: Promise<void> | undefined;
  let retryCompactionAt = 0;
  /** The groups committed while a snapshot is being written, for the snapshot's end. */
  let tail: Uint8Array[] | undefined;

  async function open(): Promise<Opened> {
    let lock: DirLock | undefined;
    try {
      await mkdir(dir, { recursive: true });
      lock = await lockDirectory(dir);
      // A compaction or first import that did not finish: the journal beside it is whole.
      await rm(`${path}.tmp`, { force: true });
      if (!(await exists(path))) await createJournal(path, [...(await readLegacyLayout(dir, own))]);
      const { journal, entries } = await openJournal(path, { sync });
      for (const [key, value] of entries) liveBytes += weight(key, value);
      return { lock, journal, entries };
    } catch (err) {
      await lock?.release().catch(() => {});
      if (err instanceof FsStoreError) throw err;
      throw new FsStoreError(`fs store: cannot open ${dir}: ${(err as Error).message}`, { cause: err });
    }
  }

  const opening = open().then((s) => (state = s));
  // Reported by ready() and by every call; not an unhandled rejection meanwhile.
  opening.catch(() => {});
  const read = <T>(f: (s: Opened) => T): T | Promise<T> => (state ? f(state) : opening.then(f));

  const commits = groupCommit(async (ops) => {
    const s = await opening;
    const data = Buffer.from(encodeOps(ops));
    try {
      await s.journal.append(data);
    } catch (err) {
      if (err instanceof FsStoreError) throw err;
      throw new FsStoreError(`fs store: could not append to ${path}: ${(err as Error).message}`, { cause: err });
    }
    for (const o of ops) apply(s.entries, o);
    tail?.push(data);
    opts.observe?.append?.(ops.length, data.byteLength);
    maybeCompact(s);
  });

  function apply(entries: Map<string, string>, o: JournalOp) {
    const old = entries.get(o.key);
    if (old !== undefined) liveBytes -= weight(o.key, old);
    if (o.op === "remove") entries.delete(o.key);
    else {
      entries.set(o.key, o.value);
      liveBytes += weight(o.key, o.value);
    }
  }

  function write(ops: JournalOp[]): Promise<void> {
    if (closed) return Promise.reject(new FsStoreError(`fs store: ${dir} is closed`));
    return ops.length ? commits.write(ops) : opening.then(() => {});
  }

  function maybeCompact(s: Opened) {
    const size = s.journal.size;
    if (compaction || closed || size < minBytes || size < ratio * liveBytes || size < retryCompactionAt) return;
    compaction = compact(s).finally(() => (compaction = undefined));
  }

  async function compact(s: Opened) {
    // Taken in the same turn as `tail` starts: the snapshot plus the tail is every committed write.
    const entries = [...s.entries];
    tail = [];
    let snap: Snapshot | undefined;
    try {
      snap = await writeSnapshot(`${path}.tmp`, entries);
      const ready = snap;
      await commits.exclusive(async () => {
        if (tail!.length) await extendSnapshot(ready, Buffer.concat(tail!), sync);
        snap = undefined;
        await s.journal.install(ready);
      });
      retryCompactionAt = 0;
      opts.observe?.compacted?.();
    } catch (err) {
      // The journal is untouched and still whole; try again once it has grown further.
      retryCompactionAt = s.journal.size * 2;
      await snap?.handle.close().catch(() => {});
      await rm(`${path}.tmp`, { force: true }).catch(() => {});
      opts.observe?.compacted?.(err);
    } finally {
      tail = undefined;
    }
  }

  return {
    name: "fs-journal",
    options: opts,
    getInstance: () => ({ ready: () => opening.then(() => {}) }),
    hasItem: (key) => read((s) => s.entries.has(key)),
    getItem: (key) => read((s) => s.entries.get(key) ?? null),
    getItems: (items) => read((s) => items.map((i) => ({ key: i.key, value: s.entries.get(i.key) ?? null }))),
    setItem: (key, value) => write([{ op: "set", key, value }]),
    setItems: (items) => write(items.map((i) => ({ op: "set" as const, key: i.key, value: i.value }))),
    removeItem: (key) => write([{ op: "remove", key }]),
    getKeys: (base) => read((s) => keysUnder(s, base)),
    clear: async (base) => {
      const keys = await read((s) => keysUnder(s, base));
      await write(keys.map((key) => ({ op: "remove" as const, key })));
    },
    /** Lets the writes already issued land, then closes the journal and frees the directory. */
    async dispose() {
      if (closed) return;
      closed = true;
      const s = await opening.catch(() => undefined);
      while (compaction) await compaction;
      await commits.idle();
      if (!s) return;
      await s.journal.close();
      await s.lock.release();
    },
  };
});

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}

/** The fs store as the entries use it: ready() rejects when the directory cannot be opened (in use, corrupt). */
export function openFsStore(dir: string, opts: Omit<FsJournalOptions, "base"> = {}) {
  const driver = fsJournalDriver({ ...opts, base: dir });
  const storage = createStorage({ driver });
  return { storage, ready: () => driver.getInstance!().ready(), close: () => storage.dispose() };
}
