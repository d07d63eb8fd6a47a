/**
 * A process that runs the fs store for a test (see fs-store.ts), then prints what happened, one
 * line at a time:
 * - `hold <dir>`: opens the store, prints `ready`, and keeps it open until killed.
 * - `write <dir> <n>`: writes keys `k:0`… `k:<n-1>` from 4 concurrent writers and prints
 *   `acked <i>` as each write resolves (the kill test stops it at some point).
 * - `oversize <dir> <bytes>`: writes `before`, then `big-1` and `big-2` of `<bytes>` each in one
 *   group (meant to cross the file size limit the test set in the second), then `after`,
 *   printing `<key> ok` or `<key> failed <error name> <code of its cause>`.
 */
import { openFsStore } from "../../src/runtime/fs-journal-driver.ts";

const [mode, dir, arg] = process.argv.slice(2);
const store = openFsStore(dir!);
await store.ready();
const say = (line: string) => process.stdout.write(`${line}\n`);

if (mode === "hold") {
  say("ready");
  setInterval(() => {}, 60_000);
} else if (mode === "write") {
  const n = Number(arg);
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < n) {
        const i = next++;
        await store.storage.setItem(`k:${i}`, { i, pad: "x".repeat(200) });
        say(`acked ${i}`);
      }
    }),
  );
  say("done");
} else if (mode === "oversize") {
  const attempt = async (key: string, items: { key: string; value: string }[]) => {
    try {
      await store.storage.setItems(items);
      say(`${key} ok`);
    } catch (err) {
      say(`${key} failed ${(err as Error).name} ${((err as Error).cause as NodeJS.ErrnoException | undefined)?.code}`);
    }
  };
  const big = "y".repeat(Number(arg));
  await attempt("before", [{ key: "before", value: "small" }]);
  await attempt("big", [{ key: "big-1", value: big }, { key: "big-2", value: big }]);
  say(`big in memory ${await store.storage.hasItem("big-1")} ${await store.storage.hasItem("big-2")}`);
  await attempt("after", [{ key: "after", value: "small too" }]);
  await store.close();
  say("done");
} else {
  throw new Error(`fs-store-child: unknown mode ${mode}`);
}
