// What an HTTP exchange that goes wrong becomes, over each exchange: a deadline that passes in
// the middle of the body, a refused connection, a body cut short, a 200 that is not usable XML;
// and that no answer, whatever its status, leaves its connection unread. The simulator cannot
// stall a body half-way or answer with a chosen body, so a one-off loopback server stands in.
import { strict as assert } from "node:assert";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { Agent } from "undici";
import type { CmsNode } from "../../src/cms/client.ts";
import { CmsError } from "../../src/cms/errors.ts";
import { overEachExchange, PASSWORD, shownOf, testClient, USERNAME } from "./fixture.ts";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let handler: Handler = (_req, res) => res.end();
let connections = 0;
let closedConnections = 0;
const server = createServer((req, res) => handler(req, res));
server.on("connection", (socket) => {
  connections++;
  socket.on("close", () => closedConnections++);
});
let node: CmsNode;

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  node = { name: "cb-a", baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const secrets = [PASSWORD, btoa(`${USERNAME}:${PASSWORD}`)];

function xml(status: number, body: string, extra: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(status, { "Content-Type": "text/xml", "Content-Length": Buffer.byteLength(body), ...extra });
    res.end(body);
  };
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return check();
}

const callDetail =
  '<?xml version="1.0"?><call id="c1"><name>Weekly sync</name><messageText>External participants present</messageText>' +
  "<messagePosition>top</messagePosition><messageDuration>permanent</messageDuration></call>";

overEachExchange((via) => {
  test("a deadline that passes while the body is still arriving is a 'timeout', and the connection is dropped", { timeout: 5_000 }, async () => {
    const closedBefore = closedConnections;
    handler = (_req, res) => {
      res.writeHead(200, { "Content-Type": "text/xml", "Content-Length": "4096" });
      res.write('<?xml version="1.0"?><call id="c1"><name>Weekly'); // and nothing more
    };
    const { client, events } = testClient(via, { timeoutMs: 150, retry: { attempts: 1 } });
    const started = Date.now();

    const err = await client.getCall(node, "c1").catch((e: unknown) => e);

    assert.ok(err instanceof CmsError);
    assert.equal(err.kind, "timeout");
    assert.equal(err.message, "GET /api/v1/calls/c1 on node cb-a: timeout after 150 ms");
    assert.ok(Date.now() - started < 1_000, "the deadline covers the body, not only the headers");
    assert.deepEqual(events.map((e) => e.outcome), ["timeout"]);
    for (const secret of secrets) assert.equal(shownOf(err).includes(secret), false, "a secret leaked into the error");
    // The half-read body is not left hanging on a pooled socket: the connection goes away.
    assert.ok(await until(() => closedConnections > closedBefore, 2_000), "the stalled connection was not closed");
  });

  test("a refused connection is 'unreachable ECONNREFUSED', and the error shows no secret", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { client } = testClient(via, { retry: { attempts: 1 } });

    const err = await client.setCallMessage({ name: "cb-x", baseUrl: `http://127.0.0.1:${port}` }, "c1", null).catch((e: unknown) => e);

    assert.ok(err instanceof CmsError);
    assert.equal(err.kind, "unreachable");
    assert.equal(err.message, "PUT /api/v1/calls/c1 on node cb-x: unreachable ECONNREFUSED");
    assert.ok(err.cause instanceof Error);
    for (const secret of secrets) assert.equal(shownOf(err).includes(secret), false, "a secret leaked into the error");
  });

  test("a body cut short by the connection is 'unreachable', never parsed", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "Content-Type": "text/xml", "Content-Length": String(callDetail.length) });
      res.write(callDetail.slice(0, 60));
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const { client } = testClient(via, { retry: { attempts: 1 } });

    await assert.rejects(client.getCall(node, "c1"), (err: unknown) => {
      assert.ok(err instanceof CmsError);
      assert.equal(err.kind, "unreachable");
      assert.equal(err.status, undefined);
      return true;
    });
  });

  const unusable: [string, string][] = [
    ["cut short after an element", callDetail.slice(0, callDetail.indexOf("<messagePosition>"))],
    ["cut short inside a text", callDetail.slice(0, callDetail.indexOf("present"))],
    ["a closing tag that does not match", callDetail.replace("</name>", "</nam>")],
    ["an element never closed", callDetail.replace("</messageText>", "")],
    ["an HTML page", "<html><body><h1>Sign in</h1></body></html>"],
    ["no XML at all", "\u0000\u00ff garbage \u0007"],
  ];
  for (const [what, body] of unusable) {
    test(`a 200 whose body is ${what} is a 'bad-reply', not data`, async () => {
      handler = xml(200, body);
      const { client, events } = testClient(via);

      await assert.rejects(client.getCall(node, "c1"), (err: unknown) => {
        assert.ok(err instanceof CmsError);
        assert.equal(err.kind, "bad-reply");
        assert.equal(err.status, 200);
        return true;
      });
      assert.deepEqual(events.map((e) => e.outcome), ["bad-reply"]);
    });
  }

  test("every answer is read to the end: one pooled connection carries answers of any status in turn", async () => {
    // With one connection per origin, an answer left unread would hold the connection, and
    // the next request would wait for it until its deadline.
    const single = new Agent({ connections: 1 });
    const before = connections;
    const answers: Handler[] = [
      xml(200, callDetail),
      xml(404, '<?xml version="1.0"?><failureDetails><callDoesNotExist /></failureDetails>'),
      xml(503, "<html><body>Service Unavailable</body></html>"),
      xml(200, "<html>not XML we asked for</html>"),
      xml(201, "", { Location: "/api/v1/system/cdrReceivers/r1" }),
      xml(200, callDetail),
    ];
    handler = (req, res) => answers.shift()!(req, res);
    const { client } = testClient(via, { transport: via.transport(single), timeoutMs: 1_000, retry: { attempts: 1 } });

    try {
      assert.equal((await client.getCall(node, "c1")).message?.text, "External participants present");
      await assert.rejects(client.getCall(node, "c1"), { kind: "gone" });
      await assert.rejects(client.getCall(node, "c1"), { kind: "busy" });
      await assert.rejects(client.getCall(node, "c1"), { kind: "bad-reply" });
      assert.equal(await client.addCdrReceiver(node, "https://banner.example/cdr"), "r1");
      assert.equal((await client.getCall(node, "c1")).id, "c1");
      assert.equal(connections - before, 1);
    } finally {
      await single.close();
    }
  });
});
