import assert from "node:assert/strict";
import { test } from "node:test";
import { createCounters, seriesId } from "../../src/service/counters.ts";
import { createHistograms, observeIn } from "../../src/service/histograms.ts";

test("a series is one series whatever order its labels come in, and different labels stay apart", () => {
  const counters = createCounters();
  counters.inc("cms_requests", { node: "cb-1", method: "PUT", outcome: "ok" });
  counters.inc("cms_requests", { outcome: "ok", node: "cb-1", method: "PUT" }, 2);
  counters.inc("cms_requests", { method: "PUT", outcome: "ok", node: "cb-1" });
  counters.inc("cms_requests", { node: "cb-2", method: "PUT", outcome: "ok" });
  assert.equal(counters.get("cms_requests", { method: "PUT", node: "cb-1", outcome: "ok" }), 4);
  assert.equal(counters.get("cms_requests", { outcome: "ok", method: "PUT", node: "cb-2" }), 1);
  assert.equal(counters.snapshot().length, 2);
  assert.equal(seriesId("x", { b: "2", a: "1" }), "x{a=1,b=2}");
  assert.equal(seriesId("x", {}), "x{}");

  const histograms = createHistograms([1, 2]);
  observeIn(histograms.series("cms_request_seconds", { node: "cb-1", outcome: "ok" }), 0.5);
  observeIn(histograms.series("cms_request_seconds", { outcome: "ok", node: "cb-1" }), 3);
  const [only, ...rest] = histograms.snapshot();
  assert.equal(rest.length, 0);
  assert.deepEqual(only!.counts, [1, 0, 1]);
});
