// Hostile XML is refused before any parser sees it: entity declarations, and nesting too deep to trust.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import { parseCdrBatch } from "../../src/core/parse-cdr.ts";
import { guardXml } from "../../src/core/xml-guard.ts";
import { cdrFixture } from "./fixtures.ts";

function refusal(body: string, maxDepth?: number): string {
  const result = parseCdrBatch(body, maxDepth === undefined ? {} : { maxDepth });
  assert.equal(result.ok, false, "expected the batch to be refused");
  return result.ok ? "" : result.reason;
}

function nested(depth: number): string {
  return `<records>${"<a>".repeat(depth - 1)}${"</a>".repeat(depth - 1)}</records>`;
}

test("a billion-laughs entity bomb is refused for its DOCTYPE, without expanding anything", () => {
  const started = performance.now();
  assert.match(refusal(cdrFixture("hostile-billion-laughs")), /DOCTYPE/);
  assert.ok(performance.now() - started < 50, "refusal must not wait for an expansion");
});

test("an external entity (lower-case doctype) is refused, so no file is ever read", () => {
  assert.match(refusal(cdrFixture("hostile-external-entity")), /DOCTYPE/i);
});

test("an ENTITY declaration without a DOCTYPE is refused too", () => {
  assert.match(refusal('<records><!entity x "y"><record type="callEnd"/></records>'), /ENTITY/);
});

test("10,000-deep nesting is refused quickly, with no stack overflow", () => {
  const body = nested(10_000);
  const started = performance.now();
  const reason = refusal(body);
  assert.ok(performance.now() - started < 50, "the depth check must be a cheap scan");
  assert.equal(reason, "elements nested deeper than 12 levels");
});

test("nesting is counted exactly: maxDepth levels pass the guard, one more does not", () => {
  assert.deepEqual(guardXml(nested(12), 12), { ok: true, root: "records" });
  assert.equal(guardXml(nested(13), 12).ok, false);
});

test("a real batch is refused under a smaller maxDepth, so the option is honoured", () => {
  // E nests records/record/callLeg/rxVideo/codec: five levels.
  assert.equal(parseCdrBatch(cdrFixture("e-last-leg-end-and-call-end"), { maxDepth: 5 }).ok, true);
  assert.equal(refusal(cdrFixture("e-last-leg-end-and-call-end"), 4), "elements nested deeper than 4 levels");
});

test("self-closing elements, however many, add no depth", () => {
  const body = `<records>${"<a/>".repeat(1000)}<b x="1" /></records>`;
  assert.deepEqual(guardXml(body, 1), { ok: true, root: "records" });
});

test("markup inside attribute values, comments, CDATA and processing instructions is not counted", () => {
  const body = `<?xml version="1.0"?><records a="x>y" b='<c>'><!-- <d><e><f> --><![CDATA[<g><h>]]><?pi <i>?></records>`;
  assert.deepEqual(guardXml(body, 1), { ok: true, root: "records" });
});

test("a second root element is refused", () => {
  assert.equal(refusal("<records></records><records></records>"), "not well-formed XML: more than one root element");
});

test("the root name reported is the one written, cut to 64 characters", () => {
  const result = guardXml(`<${"x".repeat(100)} a="1"/>`, 12);
  assert.ok(result.ok);
  assert.equal(result.root, "x".repeat(64));
});
