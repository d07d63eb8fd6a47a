/** Counts a Storage's read calls (getItem, getItems: one each, whatever the number of keys) by wrapping the real Storage's methods. */
import type { Storage } from "unstorage";

export function countReads(storage: Storage): () => number {
  let n = 0;
  const s = storage as unknown as Record<"getItem" | "getItems", (...args: unknown[]) => Promise<unknown>>;
  for (const method of ["getItem", "getItems"] as const) {
    const original = s[method].bind(storage);
    s[method] = (...args) => {
      n++;
      return original(...args);
    };
  }
  return () => n;
}
