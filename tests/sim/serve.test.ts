import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { createServer as createHttpServer, type IncomingMessage, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { Agent } from "undici";
import { createSimCluster, postCdr, serveSimNode, type ServedNode } from "../../src/sim/index.ts";
import { makeTestCa, type TestCa } from "../helpers/tls.ts";

const AUTH = `Basic ${btoa("apiuser:secret")}`;

interface Received {
  method?: string;
  url?: string;
  contentType?: string;
  body: string;
}

/** A CDR receiver stand-in that keeps what it was sent. */
async function listen(server: Server, scheme: "http" | "https"): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server.on("request", async (req: IncomingMessage, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    received.push({ method: req.method, url: req.url, contentType: req.headers["content-type"], body });
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `${scheme}://127.0.0.1:${port}`, received };
}

describe("sim over HTTPS with a test CA", () => {
  let ca: TestCa;
  let served: ServedNode;
  let dispatcher: Agent;
  // undici 7's Agent is typed apart from the undici-types in @types/node 20, though Node 20's fetch takes it (TOOLCHAIN §5).
  const trusting = (init: RequestInit = {}) => ({ ...init, dispatcher }) as unknown as RequestInit;
  const node = createSimCluster({ nodes: ["cb-a"] }).node("cb-a");

  before(async () => {
    ca = await makeTestCa();
    served = await serveSimNode(node, { tls: { keyPem: ca.keyPem, certPem: ca.certPem } });
    dispatcher = new Agent({ connect: { ca: ca.caPem } });
  });
  after(async () => {
    await served.close();
    await dispatcher.close();
    await rm(ca.dir, { recursive: true, force: true });
  });

  it("serves the API at an https address the test CA vouches for", async () => {
    assert.match(served.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(node.address, served.url);
    node.startCall({ name: "Secure" });
    const res = await fetch(`${served.url}/api/v1/calls`, trusting({ headers: { Authorization: AUTH } }));
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<name>Secure<\/name>/);
  });

  it("is refused by a client that does not trust the CA", async () => {
    await assert.rejects(fetch(`${served.url}/api/v1/calls`), (err: Error) => {
      assert.equal((err.cause as { code?: string }).code, "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
      return true;
    });
  });

  it("posts CDRs to an https receiver through the caller's dispatcher", async () => {
    const server = createHttpsServer({ key: ca.keyPem, cert: ca.certPem });
    const receiver = await listen(server, "https");
    try {
      const xml = node.records(node.startCall({ name: "Posted" }).records);
      const res = await postCdr(`${receiver.url}/cdr/secret`, xml, trusting());
      assert.equal(res.status, 200);
      assert.deepEqual(receiver.received, [{ method: "POST", url: "/cdr/secret", contentType: "text/xml", body: xml }]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe("postCdr over plain HTTP", () => {
  it("sends text/xml unless the caller says otherwise", async () => {
    const server = createHttpServer();
    const receiver = await listen(server, "http");
    try {
      await postCdr(`${receiver.url}/cdr`, "<records/>");
      await postCdr(`${receiver.url}/cdr`, "<records/>", { headers: { "content-type": "application/xml" } });
      assert.deepEqual(receiver.received.map((r) => r.contentType), ["text/xml", "application/xml"]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
