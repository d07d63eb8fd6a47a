// Transient failures: busy, server faults, timeouts and broken connections are retried with
// backoff; what cannot be retried safely is not.
import { strict as assert } from "node:assert";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, afterEach, before, test } from "node:test";
import { CmsError } from "../../src/cms/errors.ts";
import { overEachExchange, startSim, testClient, type SimFixture } from "./fixture.ts";

overEachExchange((via) => {
  let f: SimFixture;
  before(async () => {
    f = await startSim();
  });
  afterEach(() => f.sim.clearFailures());
  after(() => f.close());

  const banner = { text: "Restricted meeting", position: "top", duration: "permanent" } as const;

  test("503 twice, then success: three attempts with growing, jittered waits", async () => {
    const { call } = f.sim.startCall({ name: "Weekly sync" });
    f.sim.fail({ method: "PUT", path: /^\/api\/v1\/calls\//, status: 503, times: 2 });
    const { client, events, sleeps } = testClient(via, { random: () => 0.5, retry: { baseDelayMs: 200 } });

    await client.setCallMessage(f.node, call.id, banner);

    assert.deepEqual(
      events.map((e) => [e.attempt, e.outcome, e.status]),
      [
        [1, "busy", 503],
        [2, "busy", 503],
        [3, "ok", 200],
      ],
    );
    assert.deepEqual(sleeps, [100, 200]);
    assert.deepEqual(call.message, banner);
  });

  test("503 forever: 'busy' after the configured number of attempts, waits capped", async () => {
    const { call } = f.sim.startCall({ name: "Weekly sync" });
    f.sim.fail({ path: /^\/api\/v1\/calls\//, status: 503, times: Infinity });
    const { client, events, sleeps } = testClient(via, { random: () => 1, retry: { attempts: 5, baseDelayMs: 200, maxDelayMs: 500 } });

    const err = await client.getCall(f.node, call.id).catch((e: unknown) => e);

    assert.ok(err instanceof CmsError);
    assert.equal(err.kind, "busy");
    assert.equal(err.message, `GET /api/v1/calls/${call.id} on node cb-a: 503 busy`);
    assert.deepEqual(events.map((e) => e.attempt), [1, 2, 3, 4, 5]);
    assert.deepEqual(sleeps, [200, 400, 500, 500]);
  });

  test("any other 5xx is retried too", async () => {
    const { call } = f.sim.startCall({ name: "Weekly sync" });
    f.sim.fail({ path: /^\/api\/v1\/calls\//, status: 502, times: 1 });
    const { client, events } = testClient(via);

    assert.equal((await client.getCall(f.node, call.id)).id, call.id);
    assert.deepEqual(events.map((e) => e.outcome), ["bad-reply", "ok"]);
  });

  test("no answer within timeoutMs is a 'timeout', and is retried", async () => {
    const { call } = f.sim.startCall({ name: "Weekly sync" });
    f.sim.fail({ path: /^\/api\/v1\/calls\//, delayMs: 1_000, times: 2 });
    const { client, events } = testClient(via, { timeoutMs: 100, retry: { attempts: 2 } });

    const err = await client.getCall(f.node, call.id).catch((e: unknown) => e);
    assert.ok(err instanceof CmsError);
    assert.equal(err.kind, "timeout");
    assert.equal(err.message, `GET /api/v1/calls/${call.id} on node cb-a: timeout after 100 ms`);
    assert.deepEqual(events.map((e) => [e.attempt, e.outcome, e.status]), [
      [1, "timeout", undefined],
      [2, "timeout", undefined],
    ]);

    f.sim.fail({ path: /^\/api\/v1\/calls\//, delayMs: 1_000, times: 1 });
    assert.equal((await client.getCall(f.node, call.id)).id, call.id);
  });

  test("a reset connection is 'unreachable', with the network error as its cause", async () => {
    const { call } = f.sim.startCall({ name: "Weekly sync" });
    f.sim.fail({ path: /^\/api\/v1\/calls\//, reset: true, times: Infinity });
    const { client, events } = testClient(via, { retry: { attempts: 3 } });

    const err = await client.setCallMessage(f.node, call.id, banner).catch((e: unknown) => e);

    assert.ok(err instanceof CmsError);
    assert.equal(err.kind, "unreachable");
    assert.match(err.message, new RegExp(`^PUT /api/v1/calls/${call.id} on node cb-a: unreachable`));
    assert.ok(err.cause instanceof Error);
    assert.deepEqual(events.map((e) => e.outcome), ["unreachable", "unreachable", "unreachable"]);
    assert.equal(call.message, null);
  });

  test("a port nobody listens on is 'unreachable'", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { client } = testClient(via, { retry: { attempts: 2 } });

    await assert.rejects(client.listCalls({ name: "cb-x", baseUrl: `http://127.0.0.1:${port}` }), (err: unknown) => {
      assert.ok(err instanceof CmsError);
      assert.equal(err.kind, "unreachable");
      assert.equal(err.message, `GET /api/v1/calls?offset=0&limit=50 on node cb-x: unreachable ECONNREFUSED`);
      return true;
    });
  });

  test("creating a CDR receiver is retried when CMS is busy, but never after a broken connection", async () => {
    const url = "https://banner.corp.example:8443/cdr/secret-path";
    f.sim.fail({ method: "POST", status: 503, times: 1 });
    const { client, events } = testClient(via);

    const id = await client.addCdrReceiver(f.node, url);
    assert.equal(f.sim.cdrReceivers.get(id), url);
    assert.deepEqual(events.map((e) => e.outcome), ["busy", "ok"]);

    // The first POST may have been carried out before the connection broke: sending it again
    // could add a second receiver, and every CDR would then arrive twice.
    f.sim.fail({ method: "POST", reset: true, times: 1 });
    await assert.rejects(client.addCdrReceiver(f.node, url), { kind: "unreachable" });
    assert.equal(events.filter((e) => e.method === "POST").length, 3);
    assert.deepEqual(await client.listCdrReceivers(f.node), [{ id, uri: url }]);
  });
});
