import assert from "node:assert/strict";
import { test } from "node:test";
import { createUnseenLegEnds } from "../../src/service/unseen-leg-ends.ts";

test("unseen leg ends: kept per node for a while, the oldest dropped past the bound", () => {
  const ends = createUnseenLegEnds(1_000, 3);
  ends.add("cb-a", "leg-1", 0);
  assert.equal(ends.has("cb-a", "leg-1", 500), true);
  assert.equal(ends.has("cb-b", "leg-1", 500), false, "per node");
  assert.equal(ends.has("cb-a", "leg-1", 1_001), false, "gone after keepMs");

  for (const [i, leg] of ["a", "b", "c", "d"].entries()) ends.add("cb-a", leg, 2_000 + i);
  assert.deepEqual(["a", "b", "c", "d"].map((leg) => ends.has("cb-a", leg, 2_010)), [false, true, true, true], "the oldest goes past the bound");
});
