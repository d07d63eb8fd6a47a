/**
 * The Node exchange's own handling (src/runtime/undici-exchange.ts), on a loopback server: a
 * deadline that passes while the request waits for a pooled socket, and the reply's text and
 * headers as undici's own body reader and header parser would give them. What every exchange
 * must do alike is in the tests run over each exchange (fixture.ts).
 */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { Agent } from "undici";
import { ExchangeFailure } from "../../src/cms/exchange.ts";
import { undiciExchange } from "../../src/runtime/undici-exchange.ts";

const received: string[] = [];
const server = createServer((req, res) => {
  received.push(req.url!);
  if (req.url === "/slow") {
    setTimeout(() => res.end("<slow/>"), 300);
  } else if (req.url === "/bom") {
    res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("<café/>")]));
  } else {
    res.setHeader("Location", "/api/v1/callLegs/l-9");
    res.setHeader("X-Twice", ["a", "b"]);
    res.end("<ok/>");
  }
});
let origin: string;

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const ask = (agent: Agent, path: string, timeoutMs: number) =>
  undiciExchange(agent)({ url: origin + path, origin, path, method: "GET", headers: {}, timeoutMs });

test("a deadline that passes while waiting for a pooled socket answers 'timeout' then, and the request is never sent", async () => {
  received.length = 0;
  const agent = new Agent({ connections: 1 });
  try {
    const slow = ask(agent, "/slow", 2_000);
    const started = Date.now();
    const waiting = ask(agent, "/fast", 100);
    await assert.rejects(waiting, (err: unknown) => err instanceof ExchangeFailure && err.kind === "timeout");
    assert.ok(Date.now() - started < 280, "answered at its deadline, not when the socket came free");
    assert.equal((await slow).body, "<slow/>");
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(received, ["/slow"], "the timed-out request was aborted when it got the socket");
  } finally {
    await agent.close();
  }
});

test("the body is UTF-8 text without its byte-order mark; headers are read without case, repeated ones joined", async () => {
  const agent = new Agent();
  try {
    assert.equal((await ask(agent, "/bom", 1_000)).body, "<café/>");
    const reply = await ask(agent, "/ok", 1_000);
    assert.equal(reply.status, 200);
    assert.equal(reply.body, "<ok/>");
    assert.equal(reply.headers.get("location"), "/api/v1/callLegs/l-9");
    assert.equal(reply.headers.get("X-TWICE"), "a, b");
    assert.equal(reply.headers.get("x-none"), null);
  } finally {
    await agent.close();
  }
});
