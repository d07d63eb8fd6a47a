/**
 * An unstorage driver whose keys live in one Durable Object, reached over RPC. A Durable Object
 * runs one request at a time and its storage is strongly consistent, which is what call state
 * needs on Workers (KV is eventually consistent). The object's side is `KeyValueRpc`; this file
 * knows no Workers types, so it type-checks and tests like any other driver.
 */
import { defineDriver, type Driver } from "unstorage";

/** What the Durable Object answers. Values are the strings unstorage already serialised. */
export interface KeyValueRpc {
  getItem(key: string): Promise<string | null>;
  getItems(keys: string[]): Promise<(string | null)[]>;
  hasItem(key: string): Promise<boolean>;
  setItem(key: string, value: string): Promise<void>;
  setItems(items: { key: string; value: string }[]): Promise<void>;
  removeItem(key: string): Promise<void>;
  /** Keys starting with `prefix` ("" for all). */
  getKeys(prefix: string): Promise<string[]>;
  /** Removes the keys starting with `prefix` ("" for all). */
  clear(prefix: string): Promise<void>;
}

export interface DurableObjectDriverOptions {
  /**
   * Returns a stub of the object. Called for every operation: on Workers a stub belongs to the
   * request that made it, and this Storage outlives requests.
   */
  stub: () => KeyValueRpc;
}

/** unstorage hands drivers a base such as `c:`; the object lists by plain string prefix. */
export function keyPrefix(base: string | undefined): string {
  const trimmed = (base ?? "").replace(/^:+|:+$/g, "");
  return trimmed ? `${trimmed}:` : "";
}

export const durableObjectDriver = defineDriver((opts: DurableObjectDriverOptions): Driver => ({
  name: "durable-object",
  options: opts,
  getItem: (key) => opts.stub().getItem(key),
  async getItems(items) {
    const values = await opts.stub().getItems(items.map((i) => i.key));
    return items.map((i, n) => ({ key: i.key, value: values[n] ?? null }));
  },
  hasItem: (key) => opts.stub().hasItem(key),
  setItem: (key, value) => opts.stub().setItem(key, value),
  setItems: (items) => opts.stub().setItems(items.map(({ key, value }) => ({ key, value }))),
  removeItem: (key) => opts.stub().removeItem(key),
  getKeys: (base) => opts.stub().getKeys(keyPrefix(base)),
  clear: (base) => opts.stub().clear(keyPrefix(base)),
}));
