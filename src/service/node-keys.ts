/**
 * The nodeKeys a meeting's calls may be listed under: the configured nodes, plus every source not
 * yet resolved to a node that has held a call (key `k` in the store). Every banner run needs
 * this list, and it only ever grows.
 *
 * When this process is the store's only writer, every addition passes through `add` here, so the
 * list is read from the store once and then kept in memory. When the store is shared (Redis, a
 * Durable Object, KV: several instances or isolates), another writer may add a key at any moment;
 * a list kept here would then make a banner run miss that source's call and write a banner the
 * meeting does not need, so it is read again on every run.
 */
import type { StateStore } from "../store/state.ts";
import type { KeyedMutex } from "./keyed-mutex.ts";

export interface NodeKeys {
  /** Configured nodes first, then the unresolved sources seen so far. */
  list(): Promise<string[]>;
  /** Records a source that holds a call; cheap when it is already known. */
  add(nodeKey: string): Promise<void>;
}

export function createNodeKeys(deps: { state: StateStore; mutex: KeyedMutex; configured: string[]; soleWriter: boolean }): NodeKeys {
  const { state, mutex, soleWriter } = deps;
  // Only ever holds keys that are configured or already in the store (the list never shrinks),
  // so a key found here needs no write, shared store or not.
  const known = new Set(deps.configured);
  let loaded = false;

  return {
    async list() {
      if (!(soleWriter && loaded)) {
        // A union, not a replacement: an `add` may have finished while this read was under way.
        for (const key of await state.nodeKeys()) known.add(key);
        loaded = true;
      }
      return [...known];
    },
    async add(nodeKey) {
      if (known.has(nodeKey)) return;
      await mutex.run("nodekeys", () => state.addNodeKey(nodeKey));
      known.add(nodeKey);
    },
  };
}
