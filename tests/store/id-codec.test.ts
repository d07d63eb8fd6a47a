// Ids as the store writes them: a UUID in 22 characters, every id back exactly as it was.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import { createStorage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import { packId, unpackId } from "../../src/store/id-codec.ts";

test("a lowercase UUID packs into its 16 bytes as base64url, and unpacks to itself", () => {
  for (let i = 0; i < 2000; i++) {
    const id = crypto.randomUUID();
    const packed = packId(id);
    assert.equal(packed.length, 22, id);
    assert.match(packed, /^[A-Za-z0-9_-]+$/, id);
    assert.equal(unpackId(packed), id);
  }
  assert.equal(packId("00000000-0000-0000-0000-000000000000"), "AAAAAAAAAAAAAAAAAAAAAA");
  assert.equal(packId("ffffffff-ffff-ffff-ffff-ffffffffffff"), "_____________________w");
  assert.equal(packId("9b2f6c1e-7d4a-4e8b-a1c3-5f0e2d9c8b7a"), "my9sHn1KTouhw18OLZyLeg");
});

test("any other id is kept as written, and escaped only when it could be read as something else", () => {
  const kept = ["c-1", "cb-a", "solo-9b2f6c1e-7d4a-4e8b-a1c3-5f0e2d9c8b7a", "9B2F6C1E-7D4A-4E8B-A1C3-5F0E2D9C8B7A", "Ünïcødé", "9b2f6c1e7d4a4e8ba1c35f0e2d9c8b7a"];
  for (const id of kept) assert.equal(packId(id), id);
  // A 22-character id that could be a packed one, the escape itself, and what unstorage's reader
  // (destr) could turn into a number, a boolean, null or JSON.
  const escaped = ["AAAAAAAAAAAAAAAAAAAAAA", "-_AZaz09-_AZaz09-_AZaQ", "~", "~x", "007", "123", "-1.5", "1e5", "true", "NULL", "undefined", "Infinity", '"q"', "[1]", "{9b2f6c1e-7d4a-4e8b-a1c3-5f0e2d9c8b7a}", " 42 "];
  for (const id of escaped) assert.equal(packId(id), `~${id}`, id);
  for (const id of [...kept, ...escaped]) assert.equal(unpackId(packId(id)), id, id);
});

test("an id stored as bare text (a leg's call) comes back from unstorage as the same string", async () => {
  const storage = createStorage({ driver: memoryDriver() });
  const ids = [crypto.randomUUID(), "123", "007", "1e5", "true", "null", "~x", '"q"', "[1]", "c-1", "9007199254740993"];
  for (const id of ids) {
    await storage.setItem("l:x", packId(id));
    assert.equal(unpackId(String(await storage.getItem("l:x"))), id, id);
  }
});
