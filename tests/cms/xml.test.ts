import { strict as assert } from "node:assert";
import { test } from "node:test";
import * as decode from "../../src/cms/decode.ts";
import { UnusableReply } from "../../src/cms/errors.ts";
import { children, failureDetail, parseXml } from "../../src/cms/xml.ts";

test("a list of one item is still a list, and values stay strings", () => {
  const { root } = parseXml(
    '<?xml version="1.0"?><callLegs total="1"><callLeg id="007"><name>0042</name><remoteParty>+4670123456@gw.example</remoteParty></callLeg></callLegs>',
    "callLegs",
  );
  assert.deepEqual(children(root, "callLeg").map(decode.legSummary), [
    { id: "007", name: "0042", remoteParty: "+4670123456@gw.example" },
  ]);
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
