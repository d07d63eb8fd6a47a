// core/xml-tree.ts replaces fast-xml-parser's own conversion of its tree into objects, so its
// output must be the library's own, for both of our parsers' list rules: on every CDR fixture,
// on the simulator's CDR batches and API replies, and on seeded random documents that mix what a
// conversion can get wrong (repeats, lists of one, attributes beside text, empty elements, text
// around children).
import { strict as assert } from "node:assert";
import { test } from "node:test";
import { XMLParser, type X2jOptions } from "fast-xml-parser";
import { isListItem as cmsListItem } from "../../src/cms/xml.ts";
import { isListItem as cdrListItem } from "../../src/core/parse-cdr.ts";
import { orderedToObject, type ListItem } from "../../src/core/xml-tree.ts";
import { random } from "../helpers/seeded.ts";
import { cdrOptions, cmsOptions, libraryParser } from "../helpers/xml-library.ts";
import { cdrFixtures, simulatorBatches, simulatorReplies } from "../helpers/xml-samples.ts";

function sameAsLibrary(options: X2jOptions, listItem: ListItem) {
  const library = libraryParser(options, listItem);
  const ordered = new XMLParser({ ...options, jPath: false, preserveOrder: true });
  return (body: string, label: string) => {
    const ours = orderedToObject(ordered.parse(body), listItem);
    assert.deepStrictEqual(ours, library.parse(body), `${label}:\n${body}`);
  };
}

const sameForCms = sameAsLibrary(cmsOptions, cmsListItem);
const sameForCdr = sameAsLibrary(cdrOptions, cdrListItem);

test("CDR fixtures and simulator batches convert as the library converts them", () => {
  const bodies = { ...cdrFixtures(), ...simulatorBatches() };
  assert.ok(Object.keys(bodies).length >= 11);
  for (const [label, body] of Object.entries(bodies)) sameForCdr(body, label);
});

test("the simulator's API replies convert as the library converts them", () => {
  for (const [label, body] of Object.entries(simulatorReplies())) sameForCms(body, label);
});

// List names and their items for both rules, names that differ only in case, and others.
const NAMES = ["calls", "call", "callLegs", "callLeg", "CallLegs", "records", "record", "Record", "alarm", "name", "x", "subType", "subtype"];
const TEXTS = ["", " ", "a", "Tom &amp; Jerry", "  padded  ", "&lt;b&gt;", "0", "true", "007"];

function element(pick: (below: number) => number, depth: number): string {
  const name = NAMES[pick(NAMES.length)]!;
  const attrs = pick(3) === 0 ? ` id="${pick(100)}"` + (pick(2) ? ` total="${pick(9)}"` : "") : "";
  if (depth >= 4 || pick(4) === 0) return pick(2) ? `<${name}${attrs}/>` : `<${name}${attrs}>${TEXTS[pick(TEXTS.length)]}</${name}>`;
  let inner = "";
  for (let i = 0, n = pick(5); i < n; i++) {
    inner += pick(4) === 0 ? TEXTS[pick(TEXTS.length)] : element(pick, depth + 1);
  }
  return `<${name}${attrs}>${inner}</${name}>`;
}

test("seeded random documents convert as the library converts them, under both list rules", () => {
  for (let seed = 1; seed <= 1500; seed++) {
    const pick = random(seed);
    const body = `<?xml version="1.0"?>${element(pick, 1)}`;
    sameForCms(body, `seed ${seed}, CMS rule`);
    sameForCdr(body, `seed ${seed}, CDR rule`);
  }
});
