// Answers that retrying cannot change: gone, unauthorised, rejected. None of them is retried.
import { strict as assert } from "node:assert";
import { after, afterEach, before, test } from "node:test";
import type { BannerPosition } from "../../src/core/model.ts";
import { CmsError, retryable } from "../../src/cms/errors.ts";
import { overEachExchange, PASSWORD, startSim, testClient, USERNAME, type SimFixture } from "./fixture.ts";

overEachExchange((via) => {
  let f: SimFixture;
  before(async () => {
    f = await startSim();
  });
  afterEach(() => {
    f.sim.goneStatus = 404;
    f.sim.clearFailures();
  });
  after(() => f.close());

  const banner = { text: "External participants present", position: "top", duration: "permanent" } as const;

  for (const goneStatus of [404, 400] as const) {
    test(`a call or leg that does not exist is "gone" when CMS answers ${goneStatus}`, async () => {
      f.sim.goneStatus = goneStatus;
      const { client, events } = testClient(via);

      const put = await client.setCallMessage(f.node, "no-such-call", banner).catch((e: unknown) => e);
      assert.ok(put instanceof CmsError);
      assert.equal(put.kind, "gone");
      assert.equal(put.status, goneStatus);
      assert.equal(put.detail, "callDoesNotExist");
      assert.equal(put.message, `PUT /api/v1/calls/no-such-call on node cb-a: ${goneStatus} gone (callDoesNotExist)`);
      assert.equal(retryable(put), false);

      await assert.rejects(client.getCall(f.node, "no-such-call"), { kind: "gone", detail: "callDoesNotExist" });
      await assert.rejects(client.getCallLeg(f.node, "no-such-leg"), { kind: "gone", detail: "callLegDoesNotExist" });
      assert.deepEqual(
        events.map((e) => [e.attempt, e.outcome, e.status]),
        [1, 1, 1].map((attempt) => [attempt, "gone", goneStatus]),
      );
    });
  }

  test("ids are path-encoded, so an odd id cannot reach another object", async () => {
    const { client } = testClient(via);
    await assert.rejects(client.getCall(f.node, "a/../../system/status"), { kind: "gone" });
    assert.equal(f.sim.requests.log.at(-1)?.path, "/api/v1/calls/a%2F..%2F..%2Fsystem%2Fstatus");
  });

  test("a wrong password is 'unauthorised', not retried, and no secret reaches the message", async () => {
    const wrong = "hunter2-Wrong!";
    const accessSecret = "cf-access-secret-value";
    const { client, events } = testClient(via, { password: wrong, accessClientId: "id.access", accessClientSecret: accessSecret });
    const { call } = f.sim.startCall({ name: "Weekly sync" });

    const err = await client.setCallMessage(f.node, call.id, banner).catch((e: unknown) => e);

    assert.ok(err instanceof CmsError);
    assert.equal(err.kind, "unauthorised");
    assert.equal(err.status, 401);
    assert.equal(err.message, `PUT /api/v1/calls/${call.id} on node cb-a: 401 unauthorised`);
    assert.equal(events.length, 1);
    const shown = `${err.message} ${err.stack} ${JSON.stringify(err)} ${String(err.cause)}`;
    for (const secret of [wrong, PASSWORD, accessSecret, btoa(`${USERNAME}:${wrong}`)]) {
      assert.equal(shown.includes(secret), false, "a secret leaked into the error");
    }
    assert.equal(call.message, null);
  });

  test("a parameter CMS refuses is 'rejected' with its reason, and not retried", async () => {
    const { call } = f.sim.startCall({ name: "Weekly sync" });
    const { client, events } = testClient(via);
    const sideways = "sideways" as BannerPosition;

    await assert.rejects(client.setCallMessage(f.node, call.id, { ...banner, position: sideways }), (err: unknown) => {
      assert.ok(err instanceof CmsError);
      assert.equal(err.kind, "rejected");
      assert.equal(err.status, 400);
      assert.equal(err.detail, "parameterError");
      return true;
    });
    assert.equal(events.length, 1);
  });

  test("a 2xx that is not the XML asked for is a 'bad-reply'", async () => {
    const { client } = testClient(via);
    // The sim answers 200 with an empty body for an injected status; an empty body is no <call>.
    f.sim.fail({ method: "GET", path: /\/calls\//, status: 200 });
    await assert.rejects(client.getCall(f.node, "any"), (err: unknown) => {
      assert.ok(err instanceof CmsError);
      assert.equal(err.kind, "bad-reply");
      assert.equal(err.status, 200);
      assert.equal(retryable(err), false);
      return true;
    });
  });
});
