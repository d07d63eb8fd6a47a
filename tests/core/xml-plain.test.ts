// core/xml-plain.ts reads plain bodies in place of fast-xml-parser. So every body it reads must be
// one the library's validator accepts, read into exactly the objects the library makes of it,
// under both of our parsers' options; and every batch and reply CMS sends must be plain, or it
// saves nothing. A body that is not plain must still reach the library and be read there.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import { XMLValidator } from "fast-xml-parser";
import { isListItem as cmsListItem, parseXml, plainShape as cmsShape } from "../../src/cms/xml.ts";
import { isListItem as cdrListItem, parseCdrBatch, plainShape as cdrShape } from "../../src/core/parse-cdr.ts";
import { readPlainXml } from "../../src/core/xml-plain.ts";
import { random } from "../helpers/seeded.ts";
import { cdrOptions, cmsOptions, libraryParser } from "../helpers/xml-library.ts";
import { cdrFixtures, simulatorBatches, simulatorReplies } from "../helpers/xml-samples.ts";

const forms = [
  { label: "CMS", shape: cmsShape, library: libraryParser(cmsOptions, cmsListItem) },
  { label: "CDR", shape: cdrShape, library: libraryParser(cdrOptions, cdrListItem) },
];

/** Reads `body` under both parsers' options; whatever is read must be the library's reading. Returns how many read it. */
function readsAsLibrary(body: string, label: string): number {
  let read = 0;
  for (const form of forms) {
    const ours = readPlainXml(body, form.shape);
    if (ours === undefined) continue;
    read++;
    assert.deepStrictEqual(ours, form.library.parse(body), `${label}, ${form.label} options:\n${JSON.stringify(body)}`);
  }
  return read;
}

const batches = { ...cdrFixtures(), ...simulatorBatches() };
const replies = simulatorReplies();

test("every CDR fixture, simulator batch and API reply is plain, and reads as the library reads it", () => {
  assert.ok(Object.keys(batches).length >= 11 && Object.keys(replies).length >= 12);
  for (const [label, body] of Object.entries({ ...batches, ...replies })) {
    assert.equal(readsAsLibrary(body, label), 2, `${label} is not plain`);
  }
  for (const body of Object.values(batches)) assert.equal(parseCdrBatch(body).ok, true);
});

const SIGNIFICANT = ["<", ">", "&", '"', "'", "/", "=", "!", "?", "[", "]", ";", "#", " ", "\n", "\r\n", "\r", "\t", "\u0001", "a", "Z", ":", "&amp;", "&lt;", "&#", "&#65;", "]]>", "<!--", "-->", "<![CDATA[", "<x/>", "</x>", ' a="1"',
  // Spaces that trim removes and XML does not call spaces, and a letter that is not ASCII: a value's ends are trimmed as the library trims them.
  "\u00a0", "\u2003", "\ufeff", "é"];

function mutate(body: string, pick: (below: number) => number): string {
  const at = pick(body.length + 1);
  switch (pick(5)) {
    case 0:
      return body.slice(0, at) + body.slice(at + 1 + pick(3));
    case 1:
      return body.slice(0, at) + SIGNIFICANT[pick(SIGNIFICANT.length)] + body.slice(at);
    case 2: {
      const to = Math.min(body.length, at + 1 + pick(40));
      return body.slice(0, to) + body.slice(at, to) + body.slice(to);
    }
    case 3:
      return body.slice(0, at);
    default: {
      const other = pick(body.length + 1);
      return body.slice(0, at) + body.slice(other, other + 1) + body.slice(at + 1);
    }
  }
}

test("a body it reads is one the validator accepts, read as the library reads it: 40,000 mutated batches and replies", () => {
  const seeds = [...Object.values(batches), ...Object.values(replies)];
  let plain = 0;
  let refusedByValidator = 0;
  for (let seed = 1; seed <= 40_000; seed++) {
    const pick = random(seed);
    let body = seeds[pick(seeds.length)]!;
    for (let k = 1 + pick(3); k > 0; k--) body = mutate(body, pick);
    const valid = XMLValidator.validate(body) === true;
    if (!valid) refusedByValidator++;
    const read = forms.some((f) => readPlainXml(body, f.shape) !== undefined);
    if (!read) continue;
    plain++;
    assert.equal(valid, true, `seed ${seed}: read as plain, but the validator refuses it:\n${JSON.stringify(body)}`);
    readsAsLibrary(body, `seed ${seed}`);
  }
  // Both kinds must be common, or the properties were not tried.
  assert.ok(plain > 4_000, `${plain} plain`);
  assert.ok(refusedByValidator > 10_000, `${refusedByValidator} refused`);
});

// What a reader can get wrong about values: names differing in case, list items, repeats, text
// around children, padding, line ends, references, quotes of both kinds, `>` in a value, spaces
// where the grammar allows them.
const NAMES = ["calls", "call", "callLegs", "callLeg", "CallLegs", "records", "record", "Record", "alarm", "name", "x", "subType", "subtype", "_a.b-c"];
const TEXTS = ["", " ", "a", "Tom &amp; Jerry", "  padded  ", "&lt;b&gt;", " &amp; ", "0", "007", "a\r\nb", "line\rend", "\t\n x \n", "&quot;q&apos;", "x > y", "Ünïcødé", "+4670"];
const VALUES = ["", "1", " padded ", "a&amp;b", "&lt;&gt;", "x>y", "tab\there", "cr\r\nlf", "&quot;"];
const SPACE = ["", " ", "\n", "\r\n", "\t "];

function element(pick: (below: number) => number, depth: number): string {
  const name = NAMES[pick(NAMES.length)]!;
  let attrs = "";
  for (const attr of ["id", "total", "Type"]) {
    if (pick(3) !== 0) continue;
    const value = VALUES[pick(VALUES.length)]!;
    const quoted = value.includes('"') || pick(4) === 0 ? `'${value}'` : `"${value}"`;
    attrs += ` ${attr}${SPACE[pick(SPACE.length)]}=${SPACE[pick(SPACE.length)]}${quoted}`;
  }
  attrs += SPACE[pick(SPACE.length)];
  if (depth >= 4 || pick(4) === 0) return pick(2) ? `<${name}${attrs}/>` : `<${name}${attrs}>${TEXTS[pick(TEXTS.length)]}</${name}${SPACE[pick(2)]}>`;
  let inner = "";
  for (let i = 0, n = pick(5); i < n; i++) inner += pick(3) === 0 ? TEXTS[pick(TEXTS.length)] : element(pick, depth + 1);
  return `<${name}${attrs}>${inner}</${name}>`;
}

test("seeded random plain documents read as the library reads them, under both parsers' options", () => {
  for (let seed = 1; seed <= 3000; seed++) {
    const pick = random(seed);
    const declaration = pick(2) ? `<?xml version="1.0" encoding="UTF-8"?>${SPACE[pick(SPACE.length)]}` : "";
    const body = `${declaration}${element(pick, 1)}${SPACE[pick(SPACE.length)]}`;
    assert.equal(readsAsLibrary(body, `seed ${seed}`), 2, `seed ${seed} is not plain:\n${JSON.stringify(body)}`);
  }
});

test("well-formed bodies that are not plain are left to the library, which still reads them", () => {
  const wellFormedNotPlain = [
    `<records><!-- a comment --><record type="callEnd"/></records>`,
    `<records><record type="x"><![CDATA[a < b]]></record></records>`,
    `<?xml version="1.0"?><!-- c --><records/>`,
    `<cms:records xmlns:cms="urn:x"/>`,
    `<records><?pi data?></records>`,
    `<records>&#65;&#x42;</records>`,
    `<records a="&#10;"/>`,
    `<records><__proto__/></records>`,
    `<records><constructor>x</constructor></records>`,
    `<records><toString/></records>`,
    `<records><Constructor/></records>`,
    `\uFEFF<records/>`,
  ];
  for (const body of wellFormedNotPlain) {
    assert.equal(readPlainXml(body, cdrShape), undefined, body);
    assert.equal(XMLValidator.validate(body), true, body);
  }

  // Both parsers still read such a body through the library, to the same result as its plain twin.
  const batch = batches["callStart"]!;
  const withComment = batch.replace(/(<records[^>]*>)/, "$1<!-- relayed -->");
  assert.notEqual(withComment, batch);
  assert.deepStrictEqual(parseCdrBatch(withComment), parseCdrBatch(batch));
  const reply = replies["leg detail, SIP"]!;
  const withCdata = reply.replace("<status>", "<status><![CDATA[]]>");
  assert.notEqual(withCdata, reply);
  assert.deepStrictEqual(parseXml(withCdata), parseXml(reply));
});

test("what it refuses on its own: mismatched, unclosed, repeated or unquoted, text outside, bad references", () => {
  const notWellFormed = [
    `<records><record></records></record>`,
    `<records><record>`,
    `<records a="1" a="2"/>`,
    `<records a=1/>`,
    `<records/>tail`,
    `<records/><records/>`,
    `<records>a & b</records>`,
    `<records>&nbsp;</records>`,
    `<records a="x<y"/>`,
    `<records>x]]>y</records>`,
    `<records a="1"b="2"/>`,
    `</records>`,
    // The validator lets an open quote in the declaration through; the library then cannot read it.
    `<?xml version="1.?>\n<records/>`,
    `<?xml version="1.0" encoding="UTF-8" ?><?xml version="1.0"?><records/>`,
    ``,
  ];
  for (const body of notWellFormed) {
    for (const form of forms) assert.equal(readPlainXml(body, form.shape), undefined, body);
  }
});
