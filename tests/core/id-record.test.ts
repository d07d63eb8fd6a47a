import assert from "node:assert/strict";
import { test } from "node:test";
import { idRecord, valuesOf, withId, withoutId } from "../../src/core/id-record.ts";

test("id records copy, add and remove without touching their source, in insertion order", () => {
  const source = { b: 2, a: 1 };
  const copy = idRecord(source);
  assert.deepEqual(copy, { b: 2, a: 1 }, "the usual prototype: equal to a literal, strictly");
  assert.notEqual(copy, source);
  assert.deepEqual(Object.keys(withId(source, "c", 3)), ["b", "a", "c"]);
  assert.deepEqual(withId(source, "b", 9), { b: 9, a: 1 }, "a present id keeps its place");
  assert.deepEqual(withoutId(source, "b"), { a: 1 });
  assert.deepEqual(withId(undefined, "x", 1), { x: 1 });
  assert.deepEqual(source, { b: 2, a: 1 }, "the source is left as it was");
  assert.equal(typeof idRecord().hasOwnProperty, "function", "code that calls Object's methods on it still works");
});

test("valuesOf gives what Object.values gives, integer-like ids first as in any object", () => {
  let record = idRecord<string>();
  for (const id of ["leg-b", "7", "0f1e2d3c-aaaa", "123", "leg-a"]) record = withId(record, id, `v${id}`);
  record = withoutId(record, "leg-b");
  assert.deepEqual(valuesOf(record), Object.values(record));
  assert.deepEqual(valuesOf(record), ["v7", "v123", "v0f1e2d3c-aaaa", "vleg-a"]);
  assert.deepEqual(valuesOf(idRecord()), []);
});
