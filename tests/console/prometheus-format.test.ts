/** The hand-written Prometheus text format: HELP/TYPE lines, escaping, cumulative histogram buckets. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatFamilies } from "../../src/http/prometheus.ts";
import { createHistograms, observeIn } from "../../src/service/histograms.ts";

test("counters and gauges: sorted labels, escaped values and help", () => {
  const text = formatFamilies([
    { name: "x_total", help: "a \\ help\nline", type: "counter", samples: [{ labels: { z: "1", a: 'q"uo\\te\nnl' }, value: 3 }] },
    { name: "g", help: "gauge", type: "gauge", samples: [{ labels: {}, value: 1.5 }, { labels: { k: "v" }, value: Infinity }] },
  ]);
  assert.equal(
    text,
    [
      "# HELP x_total a \\\\ help\\nline",
      "# TYPE x_total counter",
      'x_total{a="q\\"uo\\\\te\\nnl",z="1"} 3',
      "# HELP g gauge",
      "# TYPE g gauge",
      "g 1.5",
      'g{k="v"} +Inf',
      "",
    ].join("\n"),
  );
});

test("histograms: cumulative buckets, +Inf equal to the count, sum and count", () => {
  const h = createHistograms([0.1, 1]);
  for (const v of [0.05, 0.1, 0.5, 3]) observeIn(h.series("lat", { node: "cb-a" }), v);
  const text = formatFamilies([{ name: "lat_seconds", help: "latency", type: "histogram", samples: h.snapshot() }]);
  assert.equal(
    text,
    [
      "# HELP lat_seconds latency",
      "# TYPE lat_seconds histogram",
      'lat_seconds_bucket{node="cb-a",le="0.1"} 2',
      'lat_seconds_bucket{node="cb-a",le="1"} 3',
      'lat_seconds_bucket{node="cb-a",le="+Inf"} 4',
      'lat_seconds_sum{node="cb-a"} 3.65',
      'lat_seconds_count{node="cb-a"} 4',
      "",
    ].join("\n"),
  );
});
