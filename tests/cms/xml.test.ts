import { strict as assert } from "node:assert";
import { test } from "node:test";
import * as decode from "../../src/cms/decode.ts";
import { UnusableReply } from "../../src/cms/errors.ts";
import { attr, children, failureDetail, parseXml } from "../../src/cms/xml.ts";

test("a list of one item is still a list, and values stay strings", () => {
  const { root } = parseXml(
    '<?xml version="1.0"?><callLegs total="1"><callLeg id="007"><name>0042</name><remoteParty>+4670123456@gw.example</remoteParty></callLeg></callLegs>',
    "callLegs",
  );
  assert.deepEqual(children(root, "callLeg").map(decode.legSummary), [
    { id: "007", name: "0042", remoteParty: "+4670123456@gw.example" },
  ]);
});

test("list items are arrays in any spelling, and only directly under their list", () => {
  const { root } = parseXml('<CallLegs total="1"><callleg id="a"><call>c1</call></callleg></CallLegs>', "callLegs");
  assert.ok(Array.isArray(root.callleg));
  assert.deepEqual(children(root, "callLeg").map(decode.legSummary), [{ id: "a", callId: "c1" }]);
  // <call> inside a leg is the leg's call id, not a one-item list of calls.
  const leg = parseXml('<callLeg id="b"><call>c2</call></callLeg>', "callLeg").root;
  assert.equal(leg.call, "c2");
});

test("the declaration and processing instructions before the root are not taken for it", () => {
  const { name, root } = parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<?xml-stylesheet href="a.xsl"?>\n<calls total="0"/>', "calls");
  assert.equal(name, "calls");
  assert.equal(attr(root, "total"), "0");
});

test("leg detail reads subType in either spelling and state flags under <status>", () => {
  for (const tag of ["subType", "subtype"]) {
    const { root } = parseXml(
      `<callLeg id="l1"><name>Link</name><call>c1</call><type>acano</type><${tag}>distributionLink</${tag}><direction>incoming</direction>` +
        "<status><state>connected</state><recording>false</recording><deactivated>true</deactivated></status></callLeg>",
      "callLeg",
    );
    assert.deepEqual(decode.leg(root), {
      id: "l1",
      name: "Link",
      callId: "c1",
      type: "acano",
      subType: "distributionLink",
      direction: "incoming",
      state: "connected",
      recording: false,
      streaming: false,
      deactivated: true,
    });
  }
});

test("a call without messageText has no message; an empty <name/> is an empty name", () => {
  const { root } = parseXml(
    '<call id="c1"><name/><messagePosition>middle</messagePosition><messageDuration>0</messageDuration></call>',
    "call",
  );
  assert.deepEqual(decode.call(root), { id: "c1", name: "", message: null });
});

test("failureDetails names its reason, whatever its attributes", () => {
  assert.equal(failureDetail('<?xml version="1.0"?><failureDetails><callDoesNotExist /></failureDetails>'), "callDoesNotExist");
  assert.equal(
    failureDetail('<failureDetails><parameterError parameter="messagePosition" error="invalidValue" /></failureDetails>'),
    "parameterError",
  );
  assert.equal(failureDetail(""), undefined);
  assert.equal(failureDetail("<calls total=\"0\"></calls>"), undefined);
});

test("malformed XML, a wrong root and a missing id are unusable replies", () => {
  assert.throws(() => parseXml("<html><body>login</body>", "calls"), UnusableReply);
  assert.throws(() => parseXml("<html></html>", "calls"), UnusableReply);
  assert.throws(() => decode.callSummary(parseXml("<call><name>x</name></call>", "call").root), UnusableReply);
  assert.throws(() => decode.locationId(null), UnusableReply);
  assert.equal(decode.locationId("/api/v1/system/cdrReceivers/abc-123"), "abc-123");
});

test("a reply cut short or mangled anywhere is refused exactly when the XML validator refuses it", async () => {
  // parseXml skips the validator for plain replies (core/xml-plain.ts); that must never let
  // through what the validator would have refused.
  const { XMLValidator } = await import("fast-xml-parser");
  const reply =
    '<?xml version="1.0"?><call id="5e0c1c5a-0b6f-4a5e-9d6c-2f1e0a9b8c7d"><name>Board &amp; staff</name>' +
    "<coSpace>a1b2</coSpace><callCorrelator>c0ffee</callCorrelator><messageText>External Participant(s)</messageText>" +
    '<messagePosition>top</messagePosition><messageDuration>permanent</messageDuration><tenant id="t1"/></call>';
  const bodies = new Set<string>([reply]);
  for (let i = 1; i < reply.length; i++) {
    bodies.add(reply.slice(0, i));
    bodies.add(reply.slice(0, i) + reply.slice(i + 1));
    bodies.add(reply.slice(0, i) + "<" + reply.slice(i));
  }
  let refused = 0;
  for (const body of bodies) {
    const valid = XMLValidator.validate(body) === true;
    let parsed = true;
    try {
      parseXml(body);
    } catch (err) {
      assert.ok(err instanceof UnusableReply, `${body}: ${err}`);
      parsed = false;
    }
    if (!valid) assert.equal(parsed, false, `accepted what the validator refuses: ${body}`);
    if (!parsed) refused++;
  }
  assert.ok(refused > bodies.size / 2, `only ${refused} of ${bodies.size} mangled replies refused`);
});
