// The banner a meeting should show, in both modes, and recognising our own banners later.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import { absentSignature, bannerSignature, decideBanner, defaultRestrictedPattern, defaultTexts, isOwnText, isRestricted } from "../../src/core/banner.ts";
import type { LegFact } from "../../src/core/model.ts";
import { leg, policy } from "./fixtures.ts";

const guest = (id = "g1") => leg({ id, type: "acano", subType: "webApp" });
const appUser = leg({ id: "u1", type: "acano" });
const link = leg({ id: "d1", type: "acano", subType: "distributionLink" });

function textFor(names: string[], legs: LegFact[], p = policy()): string | null {
  return decideBanner({ names, legs }, p).banner?.text ?? null;
}

test("the default texts are the original tool's, exactly", () => {
  assert.deepEqual(defaultTexts, {
    restrictedExternal: "Restricted Meeting, External Participant(s) in Meeting",
    restricted: "Restricted Meeting",
    external: "External Participant(s) in Meeting",
    level3: "Security Level 3",
    level2: "Security Level 2",
    level1: "Security Level 1",
  });
});

test("the default pattern finds the word restricted, not a word containing it", () => {
  const p = policy();
  assert.equal(isRestricted("Project X – RESTRICTED", p), true);
  assert.equal(isRestricted("restricted: board", p), true);
  assert.equal(isRestricted("Unrestricted lounge", p), false);
  assert.equal(isRestricted("Weekly sync", p), false);
  assert.equal(defaultRestrictedPattern.flags.includes("i"), true);
});

test("a global pattern gives the same answer every time", () => {
  const p = policy({ restrictedPattern: /secret/gi });
  assert.equal(isRestricted("secret plans", p), true);
  assert.equal(isRestricted("secret plans", p), true);
  assert.equal(isRestricted("secret", p), true);
});

test("external mode: the four cases of the original", () => {
  assert.equal(textFor(["Weekly sync"], [appUser]), null);
  assert.equal(textFor(["Weekly sync"], [appUser, guest()]), "External Participant(s) in Meeting");
  assert.equal(textFor(["Project Falcon - RESTRICTED"], [appUser]), "Restricted Meeting");
  assert.equal(textFor(["Project Falcon - RESTRICTED"], [appUser, guest()]), "Restricted Meeting, External Participant(s) in Meeting");
});

test("any restricted call name of the meeting makes it restricted", () => {
  const decision = decideBanner({ names: ["Falcon (node A)", "Falcon - restricted"], legs: [] }, policy());
  assert.equal(decision.restricted, true);
  assert.equal(decision.banner?.text, "Restricted Meeting");
});

test("the banner carries the policy's position and duration", () => {
  const decision = decideBanner({ names: [], legs: [guest()] }, policy({ position: "top", duration: 30 }));
  assert.deepEqual(decision.banner, { text: "External Participant(s) in Meeting", position: "top", duration: 30 });
});

test("legs that are not people are listed with their reason but counted nowhere", () => {
  const decision = decideBanner({ names: ["x"], legs: [link, appUser] }, policy());
  assert.equal(decision.banner, null);
  assert.deepEqual(decision.counts, { external: 0, internal: 1, secure: 0 });
  assert.deepEqual(decision.participants.map((p) => [p.leg.id, p.role.why]), [["d1", "distribution link"], ["u1", "signed-in app user"]]);
});

test("levels mode: the least trusted participant sets the level", () => {
  const levels = policy({ mode: "levels", internalDomains: ["corp.example"], secureDomains: ["secure.example"] });
  const secure = leg({ id: "s", remoteParty: "a@secure.example" });
  const internal = leg({ id: "i", remoteParty: "b@corp.example" });
  const outsider = leg({ id: "e", remoteParty: "c@partner.example" });
  assert.equal(textFor([], [secure, internal, outsider], levels), "Security Level 3");
  assert.equal(textFor([], [secure, internal], levels), "Security Level 2");
  assert.equal(textFor([], [secure], levels), "Security Level 1");
  assert.equal(textFor([], [link], levels), null);
  assert.equal(textFor(["restricted"], [secure, internal], levels), "Restricted Meeting, Security Level 2");
  assert.equal(textFor(["restricted"], [], levels), "Restricted Meeting");
});

test("{external} is replaced by the number of external participants", () => {
  const p = policy({ texts: { ...defaultTexts, external: "{external} guest(s) present", restrictedExternal: "Restricted: {external} guest(s)" } });
  assert.equal(textFor([], [guest("g1"), guest("g2"), appUser], p), "2 guest(s) present");
  assert.equal(textFor(["restricted"], [guest()], p), "Restricted: 1 guest(s)");
});

test("isOwnText recognises every text this policy can produce, and nothing else", () => {
  const p = policy();
  for (const text of Object.values(defaultTexts)) assert.equal(isOwnText(text, p), true, text);
  assert.equal(isOwnText("Restricted Meeting, Security Level 1", p), true);
  assert.equal(isOwnText("Fire drill at 3pm", p), false);
  assert.equal(isOwnText("restricted meeting", p), false);
  assert.equal(isOwnText("", p), false);
});

test("isOwnText matches {external} to any whole number, and treats other characters literally", () => {
  const p = policy({ texts: { ...defaultTexts, external: "Guests (+{external}) here?" } });
  assert.equal(isOwnText("Guests (+4) here?", p), true);
  assert.equal(isOwnText("Guests (+12) here?", p), true);
  assert.equal(isOwnText("Guests (+four) here?", p), false);
  assert.equal(isOwnText("Guests (+4) here!", p), false);
  assert.equal(isOwnText("Guests +4 here", p), false);
});

test("the banner signature holds only what the banner reads, in each mode", () => {
  const room = leg({ id: "r1", type: "sip", remoteParty: "sip:room@corp.example" });
  const external = policy({ internalDomains: ["corp.example"] });
  const levels = policy({ mode: "levels", internalDomains: ["corp.example"] });
  const counted = policy({ texts: { ...defaultTexts, external: "{external} guest(s) present" } });

  assert.equal(bannerSignature(["Standup"], [room, appUser, link], external), absentSignature(external), "external mode: rooms do not count");
  assert.notEqual(bannerSignature(["Standup"], [room], levels), absentSignature(levels), "levels mode: an internal room sets level 2");
  assert.notEqual(bannerSignature(["Falcon restricted"], [], external), absentSignature(external), "a restricted name");
  assert.equal(bannerSignature(["x"], [guest("g1")], external), bannerSignature(["x"], [guest("g1"), guest("g2")], external), "one guest or two: the same text");
  assert.notEqual(bannerSignature(["x"], [guest("g1")], counted), bannerSignature(["x"], [guest("g1"), guest("g2")], counted), "a text that shows the count");
});
