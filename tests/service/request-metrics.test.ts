import assert from "node:assert/strict";
import { test } from "node:test";
import { createCounters } from "../../src/service/counters.ts";
import { createHealth } from "../../src/service/health.ts";
import { createHistograms } from "../../src/service/histograms.ts";
import { createRequestMetrics } from "../../src/service/request-metrics.ts";

test("each CMS request is counted by node, method and outcome, its latency observed by node and outcome, and the node's health kept", () => {
  const counters = createCounters();
  const histograms = createHistograms([0.01, 0.1]);
  const health = createHealth(["cb-1", "cb-2"]);
  const count = createRequestMetrics({ counters, histograms, health, now: () => 5_000 });
  const event = (node: string, method: string, outcome: "ok" | "busy", ms: number) => ({ node, method, path: "/api/v1/calls", status: 200, ms, outcome, attempt: 1 });
  count(event("cb-1", "GET", "ok", 5));
  count(event("cb-1", "GET", "ok", 50));
  count(event("cb-1", "PUT", "ok", 500));
  count(event("cb-2", "GET", "busy", 5));
  // The same series as the label-based calls reach, whatever the order of the labels.
  assert.equal(counters.get("cms_requests", { outcome: "ok", method: "GET", node: "cb-1" }), 2);
  assert.equal(counters.get("cms_requests", { node: "cb-1", method: "PUT", outcome: "ok" }), 1);
  assert.equal(counters.get("cms_requests", { node: "cb-2", method: "GET", outcome: "busy" }), 1);
  counters.inc("cms_requests", { node: "cb-1", method: "GET", outcome: "ok" });
  count(event("cb-1", "GET", "ok", 5));
  assert.equal(counters.get("cms_requests", { node: "cb-1", method: "GET", outcome: "ok" }), 4, "one series, kept or looked up");
  assert.equal(counters.snapshot().length, 3);

  const byNode = new Map(histograms.snapshot().map((h) => [`${h.labels.node} ${h.labels.outcome}`, h]));
  assert.deepEqual(byNode.get("cb-1 ok")!.counts, [2, 1, 1]);
  assert.equal(byNode.get("cb-1 ok")!.count, 4);
  assert.ok(Math.abs(byNode.get("cb-1 ok")!.sum - 0.56) < 1e-9);
  assert.deepEqual(byNode.get("cb-2 busy")!.counts, [1, 0, 0]);

  const states = new Map(health.snapshot().map((h) => [h.node, h]));
  assert.equal(states.get("cb-1")!.state, "ok");
  assert.equal(states.get("cb-2")!.state, "busy");
  assert.equal(states.get("cb-2")!.lastRequestAt, 5_000);
});
