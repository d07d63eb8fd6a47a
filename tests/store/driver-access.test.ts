/**
 * Straight-to-the-driver writes (src/store/driver-access.ts): a key goes straight only when
 * unstorage would have handed the driver that very key, so reads through Storage find it; any
 * other key, and any value Storage would have to serialise itself, goes the long way.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createStorage, hasDotSegment, normalizeKey } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import { driverAccess, isCanonicalKey } from "../../src/store/driver-access.ts";
import { keys } from "../../src/store/keys.ts";

const unchangedByStorage = (key: string) => key !== "" && normalizeKey(key) === key && !hasDotSegment(key);

test("a key is canonical exactly when unstorage would accept it and leave it as it is", () => {
  const written = [
    keys.call("cb-a", "c-1"), keys.legCall("cb-a", "0f1e2d3c-aaaa-bbbb-cccc-000000000001"), keys.pending("cb-a", "l-1"),
    keys.meetingCalls("m-1", "cb-a"), keys.applied("cb-1.example.com", "c-2"), keys.highWater("s-1"), keys.alias("cb-a"),
    keys.nodeKeys, "health",
  ];
  for (const key of written) assert.equal(isCanonicalKey(key), true, key);
  const odd = [
    "", ":", "a:", ":a", "a::b", "a/b", "a\\b", "a?b", "?", ".", "..", "a:.", "a:..", ".:a", "a:.:b", "a:..:b",
    "a.b", "a:.b", "a:b.", "...", "a:...:b", "é:ü", "a b", "a\nb",
  ];
  for (const key of odd) assert.equal(isCanonicalKey(key), unchangedByStorage(key), JSON.stringify(key));
  // Random keys over the characters that matter to normalizeKey.
  const chars = ["a", "b", ":", ".", "/", "\\", "?", "-", "0"];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; i < 20_000; i++) {
    const key = Array.from({ length: next() % 9 }, () => chars[next() % chars.length]).join("");
    assert.equal(isCanonicalKey(key), unchangedByStorage(key), JSON.stringify(key));
  }
});

test("straight writes and removals land where Storage reads them; the rest go through Storage", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  const access = driverAccess(storage);
  const through: string[] = [];
  const s = storage as unknown as Record<"setItem" | "removeItem", (...args: unknown[]) => Promise<void>>;
  for (const method of ["setItem", "removeItem"] as const) {
    const original = s[method].bind(storage);
    s[method] = (...args) => {
      through.push(`${method} ${String(args[0])}`);
      return original(...args);
    };
  }
  await access.setItem("c:cb-a:c-1", '{"n":"Standup"}');
  await access.setItem("h:s-1", 42);
  assert.deepEqual(await storage.getItem("c:cb-a:c-1"), { n: "Standup" });
  assert.equal(await storage.getItem("h:s-1"), 42);
  assert.deepEqual(through, [], "canonical keys with text or numbers never pass Storage");

  await access.setItem("x/y", "1");
  await access.setItem("n:list", ["a", "b"]);
  assert.deepEqual(through, ["setItem x/y", "setItem n:list"]);
  assert.equal(await storage.getItem("x:y"), 1, "Storage normalised the odd key, as it always did");
  assert.deepEqual(await storage.getItem("n:list"), ["a", "b"]);

  await access.removeItem("c:cb-a:c-1");
  await access.removeItem("x/y");
  assert.equal(await storage.hasItem("c:cb-a:c-1"), false);
  assert.equal(await storage.hasItem("x:y"), false);
  assert.deepEqual(through.slice(2), ["removeItem x/y"]);
});

test("a driver that throws makes the write reject, as Storage's would", async () => {
  const storage = createStorage({
    driver: { name: "broken", hasItem: () => false, getItem: () => null, getKeys: () => [], setItem: () => { throw new Error("disk full"); } },
  });
  await assert.rejects(driverAccess(storage).setItem("c:cb-a:c-1", "{}"), /disk full/);
});

test("a Storage with more than one mount is written through Storage", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  const elsewhere = memoryDriver();
  storage.mount("c", elsewhere);
  await driverAccess(storage).setItem("c:cb-a:c-1", "1");
  assert.equal(await elsewhere.getItem!("cb-a:c-1", {}), "1", "the mount's driver has it, under its relative key");
});
