import assert from "node:assert/strict";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { filterPushed, mapPushed } from "../../src/core/pushed.ts";

// What the helpers are for: V8's own report of an array's elements kind.
setFlagsFromString("--allow-natives-syntax");
const isHoley = new Function("a", "return %HasHoleyElements(a)") as (a: unknown[]) => boolean;

test("mapPushed gives what map gives, as a packed array whatever array it read", () => {
  const holey = new Array<number>(3);
  holey[0] = 1;
  holey[1] = 2;
  holey[2] = 3;
  assert.equal(isHoley(holey), true, "the input is a holey array");
  const out = mapPushed(holey, (n, i) => `${n * 2}@${i}`);
  assert.deepEqual(out, ["2@0", "4@1", "6@2"]);
  assert.equal(isHoley(out), false);
  assert.deepEqual(mapPushed([], (n: number) => n), []);
});

test("filterPushed keeps what filter keeps, in order, as a packed array", () => {
  const items: (string | undefined)[] = ["a", undefined, "b", undefined];
  const kept = filterPushed(items, (s): s is string => s !== undefined);
  assert.deepEqual(kept, ["a", "b"]);
  assert.equal(isHoley(kept), false);
  assert.notEqual(filterPushed(kept, (_s): _s is string => true), kept, "always a new array");
});
