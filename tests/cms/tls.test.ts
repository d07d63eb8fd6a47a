// HTTPS to a node whose certificate comes from a private CA: trusted only through the CA handed
// in with the client's transport (an undici Agent on Node), never through a process-wide setting.
import { strict as assert } from "node:assert";
import { rm } from "node:fs/promises";
import { after, before, test } from "node:test";
import { Agent } from "undici";
import { createCmsClient } from "../../src/cms/client.ts";
import { CmsError } from "../../src/cms/errors.ts";
import { loadConfig } from "../../src/config.ts";
import { cmsTransport } from "../../src/runtime/node-settings.ts";
import { createSimCluster, serveSimNode, type ServedNode, type SimNode } from "../../src/sim/index.ts";
import { makeTestCa, type TestCa } from "../helpers/tls.ts";
import { overEachExchange, PASSWORD, shownOf, testClient, USERNAME } from "./fixture.ts";

let ca: TestCa;
let sim: SimNode;
let served: ServedNode;
let agent: Agent;

before(async () => {
  ca = await makeTestCa();
  sim = createSimCluster({ nodes: ["cb-a"], username: USERNAME, password: PASSWORD }).node("cb-a");
  served = await serveSimNode(sim, { tls: { keyPem: ca.keyPem, certPem: ca.certPem } });
  agent = new Agent({ connect: { ca: ca.caPem } });
});
after(async () => {
  await served.close();
  await agent.close();
  await rm(ca.dir, { recursive: true, force: true });
});

overEachExchange((via) => {
  test("talks HTTPS to a node signed by a private CA given as a dispatcher", async () => {
    assert.match(served.url, /^https:\/\//);
    const { call } = sim.startCall({ name: "Weekly sync" });
    const { client } = testClient(via, { transport: via.transport(agent) });
    const node = { name: "cb-a", baseUrl: served.url };

    await client.setCallMessage(node, call.id, { text: "External participants present", position: "top", duration: "permanent" });

    assert.deepEqual((await client.getCall(node, call.id)).message, {
      text: "External participants present",
      position: "top",
      duration: "permanent",
    });
  });

  test("without the CA the node is 'unreachable', naming the certificate problem", async () => {
    const { client } = testClient(via, { retry: { attempts: 1 } });

    const err = await client.listCalls({ name: "cb-a", baseUrl: served.url }).catch((e: unknown) => e);

    assert.ok(err instanceof CmsError);
    assert.equal(err.kind, "unreachable");
    assert.match(err.message, /unreachable (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)$/);
    for (const secret of [PASSWORD, btoa(`${USERNAME}:${PASSWORD}`)]) {
      assert.equal(shownOf(err).includes(secret), false, "a secret leaked into the error");
    }
  });
});

test("the Node entry's transport trusts CMS_CA_FILE, and a node signed by another CA is refused", async () => {
  const other = await makeTestCa();
  try {
    const node = { name: "cb-a", baseUrl: served.url };
    const clientTrusting = (caFile: string) => {
      const loaded = loadConfig({ CMS_NODES: `cb-a=${served.url}`, CMS_USERNAME: USERNAME, CMS_PASSWORD: PASSWORD, CMS_CA_FILE: caFile, CDR_TOKEN: "t".repeat(32) });
      if (!loaded.ok) throw new Error(loaded.errors.join("; "));
      return createCmsClient({ username: USERNAME, password: PASSWORD, transport: cmsTransport(loaded.config), retry: { attempts: 1 } });
    };
    const { call } = sim.startCall({ name: "Trust check" });
    const trusting = clientTrusting(ca.caFile);
    // Several connections at once, all made from the one secure context.
    const calls = await Promise.all(Array.from({ length: 6 }, () => trusting.getCall(node, call.id)));
    assert.deepEqual(new Set(calls.map((c) => c.id)), new Set([call.id]));

    const err = await clientTrusting(other.caFile).listCalls(node).catch((e: unknown) => e);
    assert.ok(err instanceof CmsError);
    assert.equal(err.kind, "unreachable");
  } finally {
    await rm(other.dir, { recursive: true, force: true });
  }
});
