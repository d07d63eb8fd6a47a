// Who is a participant and of which class: the original's defaults, without its substring mistakes.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import { classifyLeg, domainOf, inDomains } from "../../src/core/classify.ts";
import { leg } from "./fixtures.ts";

const noLists = { internalDomains: [], secureDomains: [] };
const lists = { internalDomains: ["corp.example"], secureDomains: ["secure.corp.example", "vault.example"] };

test("domainOf finds the host in every address form CMS shows", () => {
  const cases: [string | undefined, string | undefined][] = [
    ["sip:alice@Corp.Example:5060;transport=tls", "corp.example"],
    ["alice@corp.example", "corp.example"],
    ["<sip:bob@partner.example.net>", "partner.example.net"],
    ['"Bob, <Partner>" <sip:bob@partner.example.net;user=phone>', "partner.example.net"],
    ["Bob <sips:bob@10.20.30.40:5061>", "10.20.30.40"],
    ["sip:[2001:DB8::1]:5060", "[2001:db8::1]"],
    ["+4670123456@gw.carrier.example", "gw.carrier.example"],
    ["sip:alice@corp.example?subject=hi", "corp.example"],
    ["alice@corp.example.", "corp.example"],
    ["cb-b.corp.example", "cb-b.corp.example"],
    ["cb-b.corp.example:5061", "cb-b.corp.example"],
    ["10.1.2.3", "10.1.2.3"],
  ];
  for (const [address, domain] of cases) assert.equal(domainOf(address), domain, String(address));
});

test("domainOf gives undefined when there is no host", () => {
  for (const address of [undefined, "", "alice", "+4670123456", "tel:+4670123456", "sip:alice@", "alice@ho st", "alice@<x>"]) {
    assert.equal(domainOf(address), undefined, String(address));
  }
});

test("inDomains matches exactly or as a subdomain, never as a substring", () => {
  assert.equal(inDomains("corp.example", ["corp.example"]), true);
  assert.equal(inDomains("a.corp.example", ["corp.example"]), true);
  assert.equal(inDomains("evil-corp.example", ["corp.example"]), false);
  assert.equal(inDomains("corp.example.evil", ["corp.example"]), false);
  assert.equal(inDomains("corp.example", ["a.corp.example"]), false);
  assert.equal(inDomains(undefined, ["corp.example"]), false);
  assert.equal(inDomains("corp.example", []), false);
  assert.equal(inDomains("corp.example", [""]), false);
});

test("legs that are not people do not count, and say why", () => {
  const cases: [Parameters<typeof leg>[0], string][] = [
    [{ subType: "distributionLink" }, "distribution link"],
    [{ subType: "DISTRIBUTIONLINK" }, "distribution link"],
    [{ subType: "lyncDistribution" }, "Lync distribution link"],
    [{ recording: true }, "recorder"],
    [{ streaming: true }, "streamer"],
    [{ subType: "lync", lyncSubType: "applicationSharing" }, "Lync applicationSharing leg"],
    [{ inIvr: true }, "in IVR"],
    [{ callId: undefined }, "not in a call yet"],
  ];
  for (const [overrides, why] of cases) {
    assert.deepEqual(classifyLeg(leg(overrides), lists), { participant: false, why }, why);
  }
});

test("a Lync audio/video leg is a participant", () => {
  assert.equal(classifyLeg(leg({ subType: "lync", lyncSubType: "audioVideo" }), noLists).participant, true);
});

test("web app legs and guest connections are external, whatever their address", () => {
  const webApp = leg({ type: "acano", subType: "webApp", remoteParty: "bob@corp.example" });
  assert.deepEqual(classifyLeg(webApp, noLists), { participant: true, class: "external", why: "web app guest" });
  assert.deepEqual(classifyLeg({ ...webApp, subType: "WEBAPP" }, lists), { participant: true, class: "external", why: "web app guest" });
  const guest = leg({ type: "acano", guest: true });
  assert.deepEqual(classifyLeg(guest, lists), { participant: true, class: "external", why: "guest connection" });
});

test("a guest waiting in the lobby still counts", () => {
  assert.deepEqual(classifyLeg(leg({ subType: "webApp", deactivated: true }), noLists), {
    participant: true, class: "external", why: "web app guest",
  });
});

test("with no domain lists everyone else is internal, as in the original tool", () => {
  assert.deepEqual(classifyLeg(leg({ type: "acano" }), noLists), { participant: true, class: "internal", why: "signed-in app user" });
  assert.deepEqual(classifyLeg(leg({ remoteParty: "room@partner.example.net" }), noLists), { participant: true, class: "internal", why: "SIP" });
  assert.deepEqual(classifyLeg(leg({ type: undefined }), noLists), { participant: true, class: "internal", why: "SIP" });
});

test("with domain lists, SIP legs are classed by the domain of their address", () => {
  const role = (overrides: Parameters<typeof leg>[0]) => classifyLeg(leg(overrides), lists);
  assert.deepEqual(role({ remoteParty: "sip:alice@corp.example" }), { participant: true, class: "internal", why: "domain corp.example" });
  assert.deepEqual(role({ remoteParty: "room@video.corp.example" }), { participant: true, class: "internal", why: "domain video.corp.example" });
  assert.deepEqual(role({ remoteParty: "ops@secure.corp.example" }), { participant: true, class: "secure", why: "domain secure.corp.example" });
  assert.deepEqual(role({ remoteParty: "x@vault.example", type: undefined }), { participant: true, class: "secure", why: "domain vault.example" });
  assert.deepEqual(role({ remoteParty: "mallory@evil-corp.example" }), { participant: true, class: "external", why: "domain evil-corp.example" });
  assert.deepEqual(role({ remoteParty: "+4670123456" }), { participant: true, class: "external", why: "no address" });
});

test("remoteAddress (from callLegUpdate) is used when remoteParty has no host", () => {
  const role = classifyLeg(leg({ remoteParty: "+4670123456", remoteAddress: "0701234567@node01.corp.example" }), lists);
  assert.deepEqual(role, { participant: true, class: "internal", why: "domain node01.corp.example" });
});

test("with domain lists, signed-in app users stay internal", () => {
  assert.deepEqual(classifyLeg(leg({ type: "acano", remoteParty: "carol@elsewhere.example" }), lists), {
    participant: true, class: "internal", why: "signed-in app user",
  });
});

test("a subType named like an Object member is just an unknown subType", () => {
  assert.deepEqual(classifyLeg(leg({ subType: "constructor" }), noLists), { participant: true, class: "internal", why: "SIP" });
});
