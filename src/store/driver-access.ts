/**
 * Writes and removals of one key, handed straight to the store's driver. Around each such call
 * unstorage's Storage does what our keys never need: it normalises the key (a split and three
 * regular expressions, then a second split to refuse "." and ".." segments), finds the key's
 * mount, and wraps the driver's answer in more promises. A CDR record costs about one write, and
 * that wrapping was about 3 % of the service's CPU per record (docs/performance.md, eleventh round).
 *
 * A write goes straight only when going the long way could not have done anything else: the key
 * is one normalising leaves as it is (CANONICAL), the value is text or a number (what unstorage
 * would turn into text itself), and the Storage has its one mount at the root, the way every
 * runtime here builds it (never a prefixStorage: its mount would not show its prefix). Anything
 * else goes through Storage. Nothing in the service watches the store, so the watch events
 * Storage would have sent for a straight write are not missed.
 */
import type { Driver, Storage } from "unstorage";

/**
 * Segments joined by single colons, none empty, none "." or "..", without "/", "\" or "?": the
 * keys unstorage's normalizeKey answers unchanged and accepts (tests/store/driver-access.test.ts
 * holds the two to agreeing).
 */
const CANONICAL = /^(?!(?:[^]*:)?\.\.?(?::|$))[^:/\\?]+(?::[^:/\\?]+)*$/;

export const isCanonicalKey = (key: string) => CANONICAL.test(key);

type Primitive = string | number | boolean;

export interface DriverAccess {
  setItem(key: string, value: unknown): Promise<void>;
  removeItem(key: string): Promise<void>;
}

/** The driver's answer as a promise; a driver that throws instead of rejecting rejects here too. */
function settled(run: () => unknown): Promise<void> {
  try {
    const answer = run() as PromiseLike<void> | undefined;
    return answer && typeof answer.then === "function" ? Promise.resolve(answer) : Promise.resolve();
  } catch (err) {
    return Promise.reject(err);
  }
}

export function driverAccess(storage: Storage): DriverAccess {
  const root = storage.getMounts("").length === 1 ? storage.getMount("") : undefined;
  const driver: Driver | undefined = root?.base === "" ? root.driver : undefined;
  const straight = (key: string) => driver !== undefined && CANONICAL.test(key);
  const primitive = (value: unknown): value is Primitive =>
    typeof value === "string" || typeof value === "number" || typeof value === "boolean";
  return {
    setItem(key, value) {
      if (!driver?.setItem || !primitive(value) || !straight(key)) return storage.setItem(key, value as never);
      return settled(() => driver.setItem!(key, typeof value === "string" ? value : String(value), {}));
    },
    removeItem(key) {
      if (!driver?.removeItem || !straight(key)) return storage.removeItem(key);
      return settled(() => driver.removeItem!(key, {}));
    },
  };
}
