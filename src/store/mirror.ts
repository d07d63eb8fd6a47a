/**
 * A copy, in this process, of the call-state values of a store that only this process writes (the
 * memory and fs stores; service.ts decides). Every write passes through here, so once the copy
 * has been loaded it answers every read — a key it does not hold is a key the store does not
 * hold — without the store's key normalising, parsing and promise per read. On a CDR batch that
 * was half of the store calls and about a tenth of the CPU (docs/performance.md).
 *
 * An object or list is held as the JSON text the store keeps, and that same string is what the
 * store is handed: the memory and fs stores keep the string as given, so the copy costs a map
 * entry per key, not a second document (objects held as objects cost 3 KiB per live meeting).
 * Readers parse a fresh object from it every time, so nobody can change the copy by changing what
 * a read gave them.
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

/** An object or list as the store keeps it. */
export class JsonText {
  constructor(readonly text: string) {}
}

/** What the copy holds for a value: the value itself when it is text, a number, a flag or JsonText already. */
export function heldForm(value: unknown): unknown {
  return typeof value === "object" && value !== null && !(value instanceof JsonText) ? new JsonText(JSON.stringify(value)) : value;
}

/** What to hand the store for a held value: unstorage keeps text as given, and parses it on reading as it would its own JSON. */
export const storedForm = (held: unknown) => (held instanceof JsonText ? held.text : held);

/** The value a held one stands for, as a read of the store would give it. */
export const valueOf = (held: unknown) => (held instanceof JsonText ? JSON.parse(held.text) : held);

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
        if (value !== null && !writtenWhileLoading!.has(key)) values.set(key, heldForm(value));
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
    /** The held form of the key's value (valueOf reads it); undefined when the store does not hold the key; ASK_STORE when unsure. */
    read(key: string): unknown {
      // Audit keys and the probe never come here: audit.ts and the ping read the store themselves.
      if (!loaded || unsure.has(key)) return ASK_STORE;
      return values.get(key);
    },
    /** `held`: the value's heldForm, whose storedForm the store took. */
    wrote(key: string, held: unknown) {
      if (NOT_MIRRORED.test(key)) return;
      values.set(key, held);
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
  };
}
