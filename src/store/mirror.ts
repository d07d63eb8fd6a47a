/**
 * A copy, in this process, of the call-state values of a store that only this process writes (the
 * memory and fs stores; service.ts decides). Every write passes through here, so once the copy
 * has been loaded it answers every read — a key it does not hold is a key the store does not
 * hold — without the store's key normalising, JSON parsing and promise per read. On a CDR batch
 * that was half of the store calls and about a tenth of the CPU (docs/performance.md).
 *
 * It holds values as written (the codecs' compact form), never decoded objects: readers decode a
 * fresh object every time, so nobody can change the copy by changing what a read gave them.
 *
 * A key is learnt only from a write that succeeded, in the order writes finish, and from the load.
 * After a write that failed, the store may hold either value: the key is read from the store until
 * it is written again. Until the load has finished, every read goes to the store.
 */
import type { Storage } from "unstorage";

/** A read the copy cannot answer: ask the store. */
export const ASK_STORE: unique symbol = Symbol("ask the store");

/** Keys that are history, not state (audit.ts writes them itself), and the readiness probe, which must reach the store. */
const NOT_MIRRORED = /^(audit:|health$)/;

/** Keys per getItems while loading: bounded, as every listing read in state.ts is. */
const LOAD_SLICE = 500;

export type StoreMirror = ReturnType<typeof createMirror>;

export function createMirror(storage: Storage, onLoadFailed: (err: unknown) => void) {
  const values = new Map<string, unknown>();
  /** Keys whose last write failed: the store holds the old value or the new one. */
  const unsure = new Set<string>();
  /** Keys written while loading: what the load read of them may be older than the write. */
  let writtenWhileLoading: Set<string> | undefined = new Set();
  let loaded = false;

  const written = (key: string) => {
    unsure.delete(key);
    writtenWhileLoading?.add(key);
  };

  async function load() {
    const ks = (await storage.getKeys()).filter((k) => !NOT_MIRRORED.test(k));
    for (let i = 0; i < ks.length; i += LOAD_SLICE) {
      for (const { key, value } of await storage.getItems(ks.slice(i, i + LOAD_SLICE))) {
        if (value instanceof Error) throw value;
        if (value !== null && !writtenWhileLoading!.has(key)) values.set(key, value);
      }
    }
    writtenWhileLoading = undefined;
    loaded = true;
  }
  // A failed load leaves every read going to the store: slower, never wrong.
  const loading = load().then(
    () => true,
    (err: unknown) => {
      writtenWhileLoading = undefined;
      onLoadFailed(err);
      return false;
    },
  );

  return {
    /** The value as written; undefined when the store does not hold the key; ASK_STORE when unsure. */
    read(key: string): unknown {
      // Audit keys and the probe never come here: audit.ts and the ping read the store themselves.
      if (!loaded || unsure.has(key)) return ASK_STORE;
      return values.get(key);
    },
    wrote(key: string, value: unknown) {
      if (NOT_MIRRORED.test(key)) return;
      values.set(key, value);
      written(key);
    },
    removed(key: string) {
      values.delete(key);
      written(key);
    },
    failed(key: string) {
      values.delete(key);
      unsure.add(key);
      writtenWhileLoading?.add(key);
    },
    /** Whether reads are answered here; `loaded` settles once that is decided (false: the load failed). */
    get serving() {
      return loaded;
    },
    loaded: (): Promise<boolean> => loading,
    get size() {
      return values.size;
    },
  };
}
