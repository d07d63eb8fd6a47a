// The simulator does not record request headers, so a one-off loopback server stands in for it.
import { strict as assert } from "node:assert";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { createCmsClient, type CmsNode } from "../../src/cms/client.ts";
import { overEachExchange } from "./fixture.ts";

let seen: IncomingHttpHeaders[] = [];
const server = createServer((req, res) => {
  seen.push(req.headers);
  res.writeHead(200, { "Content-Type": "text/xml" });
  res.end('<?xml version="1.0"?><status><softwareVersion>3.9</softwareVersion><clusterEnabled>true</clusterEnabled><uptimeSeconds>42</uptimeSeconds></status>');
});
let node: CmsNode;

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  node = { name: "cb-a", baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

overEachExchange((via) => {
  test("sends Basic auth and both Cloudflare Access headers on every request when configured", async () => {
    seen = [];
    const client = createCmsClient({
      username: "apiuser",
      password: "pässwörd",
      accessClientId: "client-id.access",
      accessClientSecret: "access-secret",
      transport: via.transport(),
    });
    const status = await client.getSystemStatus(node);
    assert.deepEqual(status, { softwareVersion: "3.9", clusterEnabled: true, uptimeSeconds: 42 });
    assert.equal(seen.length, 1);
    const headers = seen[0]!;
    assert.equal(headers["cf-access-client-id"], "client-id.access");
    assert.equal(headers["cf-access-client-secret"], "access-secret");
    const basic = Buffer.from(headers.authorization!.replace(/^Basic /, ""), "base64").toString("utf8");
    assert.equal(basic, "apiuser:pässwörd");
  });

  test("sends no Access headers when they are not configured", async () => {
    seen = [];
    await createCmsClient({ username: "apiuser", password: "secret", transport: via.transport() }).getSystemStatus(node);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!["cf-access-client-id"], undefined);
    assert.equal(seen[0]!["cf-access-client-secret"], undefined);
  });
});
