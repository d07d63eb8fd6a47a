// The plain-XML check (src/core/xml-plain.ts) lets a body skip XMLValidator, so it must never call
// plain a body the validator refuses; and every batch CMS sends must be plain, or it saves nothing.
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { XMLValidator } from "fast-xml-parser";
import { parseCdrBatch } from "../../src/core/parse-cdr.ts";
import { isPlainXml } from "../../src/core/xml-plain.ts";
import { createSimCluster } from "../../src/sim/index.ts";

const fixtureDir = new URL("../fixtures/cdr/", import.meta.url);
// The hostile ones carry a DOCTYPE, which the guard refuses before this check is asked.
const fixtures = readdirSync(fixtureDir)
  .filter((f) => f.endsWith(".xml") && !f.startsWith("hostile-"))
  .map((f) => readFileSync(new URL(f, fixtureDir), "utf8"));

/** Batches as the simulator writes them: every record type, and names that need escaping. */
function simulatorBatches(): string[] {
  const node = createSimCluster({ nodes: ["cb-x"] }).node("cb-x");
  const { call, records } = node.startCall({ name: `Q3 "review" <board> & 'friends'` });
  const room = node.addLeg(call.id, { displayName: "Room 4.12", remoteParty: "sip:room412@corp.example", type: "sip" });
  const guest = node.addLeg(call.id, { displayName: "Ünïcødé & <Guest>", type: "acano", subType: "webApp", guestConnection: true });
  return [
    node.records(records),
    node.records([...room.records, ...guest.records]),
    node.records([...node.removeLeg(guest.leg.id), ...node.endCall(call.id)]),
  ];
}

/** A small seeded generator, so that a failure names a case that can be run again. */
function random(seed: number) {
  let s = seed >>> 0;
  return (below: number) => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s % below;
  };
}

const SIGNIFICANT = ["<", ">", "&", '"', "'", "/", "=", "!", "?", "[", "]", ";", "#", " ", "\n", "\u0001", "a", "Z", ":", "&amp;", "&#", "]]>", "<!--", "-->", "<![CDATA["];

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

test("every CDR fixture and every batch the simulator writes is plain, and parses as before", () => {
  const bodies = [...fixtures, ...simulatorBatches()];
  assert.ok(bodies.length >= 10, `${bodies.length} bodies`);
  for (const body of bodies) {
    assert.equal(isPlainXml(body), true, body.slice(0, 200));
    assert.equal(parseCdrBatch(body).ok, true);
  }
});

test("a plain body is always one the validator accepts: 40,000 mutated batches", () => {
  const seeds = [...fixtures, ...simulatorBatches()];
  let plain = 0;
  let refusedByValidator = 0;
  for (let seed = 1; seed <= 40_000; seed++) {
    const pick = random(seed);
    let body = seeds[pick(seeds.length)]!;
    for (let k = 1 + pick(3); k > 0; k--) body = mutate(body, pick);
    const valid = XMLValidator.validate(body) === true;
    if (!valid) refusedByValidator++;
    if (isPlainXml(body)) {
      plain++;
      assert.equal(valid, true, `seed ${seed}: called plain, but the validator refuses it:\n${body}`);
    }
  }
  // Both kinds must be common, or the property was not tried.
  assert.ok(plain > 2_000, `${plain} plain`);
  assert.ok(refusedByValidator > 10_000, `${refusedByValidator} refused`);
});

test("well-formed bodies that are not plain go to the validator, which still reads them", () => {
  const wellFormedNotPlain = [
    `<records><!-- a comment --><record type="callEnd"/></records>`,
    `<records><record type="x"><![CDATA[a < b]]></record></records>`,
    `<?xml version="1.0"?><!-- c --><records/>`,
    `<cms:records xmlns:cms="urn:x"/>`,
    `<records><?pi data?></records>`,
  ];
  for (const body of wellFormedNotPlain) {
    assert.equal(isPlainXml(body), false, body);
    assert.equal(XMLValidator.validate(body), true, body);
  }
});

test("what the check refuses on its own: mismatched, unclosed, repeated or unquoted, text outside, bad references", () => {
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
    ``,
  ];
  for (const body of notWellFormed) assert.equal(isPlainXml(body), false, body);
});
