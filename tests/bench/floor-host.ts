/**
 * The floors: the least a correct service must do on the fixed stack, in a process of its own,
 * measured under the same load as the service.
 *
 * Receiving (floor.ts): the least per CDR. @hono/node-server and Hono take the POST;
 * parseCdrBatch reads it (our plain-XML reader, fast-xml-parser with its validator for a body
 * that is not plain, valibot); one unstorage memory write per record keeps what it said (straight
 * to the driver, as the service writes: store/driver-access.ts); a
 * guest's arrival and departure each cost one banner PUT through
 * our CMS client (undici exchange), after the answer. No meeting is looked up, no banner decided,
 * no audit kept: what the service costs above this is what its own logic costs.
 *
 * Reconciling (reconcile-floor.ts, the "reconcile" command): only the CMS requests a cold start
 * cannot do without, through our CMS client and its per-node bound: list each node's calls, then
 * per call its detail, its leg list, each leg's detail, and one banner PUT. Nothing is stored or
 * decided.
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import type { AddressInfo } from "node:net";
import { createStorage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import { createCmsClient } from "../../src/cms/client.ts";
import { defaultTexts } from "../../src/core/banner.ts";
import { loadConfig } from "../../src/config.ts";
import { parseCdrBatch } from "../../src/core/parse-cdr.ts";
import { cmsTransport } from "../../src/runtime/node-settings.ts";
import { driverAccess } from "../../src/store/driver-access.ts";
import { answerRequests, processCpuMs, type HostRequest } from "./host-protocol.ts";

const loaded = loadConfig(process.env);
if (!loaded.ok) throw new Error(`floor host: ${loaded.errors.join("; ")}`);
const config = loaded.config;
const storage = driverAccess(createStorage({ driver: memoryDriver() }));
const cms = createCmsClient({ username: config.cms.username, password: config.cms.password, transport: cmsTransport(config) });
// The text the bench's simulator watches for.
const banner = { text: defaultTexts.external, position: config.policy.position, duration: config.policy.duration };
/** Guest leg id → its call, so that the guest's departure knows which call to clear. */
const guests = new Map<string, string>();
let inFlight = 0;
/** Banner PUTs that failed: the floor is only a floor if every one of them went through. */
let failedPuts = 0;
const idle: (() => void)[] = [];

function put(nodeName: string, callId: string, shown: boolean) {
  const node = config.nodes.find((n) => n.name === nodeName)!;
  inFlight++;
  void cms.setCallMessage(node, callId, shown ? banner : null).catch(() => failedPuts++).finally(() => {
    if (--inFlight === 0) for (const f of idle.splice(0)) f();
  });
}

/** FLOOR_STEP (floor.ts): "http" answers once the body is read, "parse" once it is parsed, "all" does everything. */
const step = process.env.FLOOR_STEP ?? "all";
const app = new Hono();
app.post("/cdr/:node", async (c) => {
  const node = c.req.param("node");
  const body = await c.req.text();
  if (step === "http") return c.body(null, 200);
  const parsed = parseCdrBatch(body);
  if (step === "parse") return c.body(null, 200);
  if (!parsed.ok) return c.text(`${parsed.reason}\n`, 400);
  const puts: [string, boolean][] = [];
  for (const r of parsed.batch.records) {
    if (r.type === "callStart") await storage.setItem(`c:${node}:${r.call.id}`, r.call.name);
    else if (r.type === "callEnd") await storage.removeItem(`c:${node}:${r.callId}`);
    else if (r.type === "callLegStart") {
      await storage.setItem(`l:${node}:${r.leg.id}`, r.leg.callId ?? "");
      if (r.leg.subType === "webApp" && r.leg.callId) {
        guests.set(r.leg.id, r.leg.callId);
        puts.push([r.leg.callId, true]);
      }
    } else if (r.type === "callLegEnd") {
      await storage.removeItem(`l:${node}:${r.legId}`);
      const callId = guests.get(r.legId);
      if (callId) {
        guests.delete(r.legId);
        puts.push([callId, false]);
      }
    } else await storage.setItem(`u:${node}:${r.leg.id}`, r.leg.state ?? "");
  }
  for (const [callId, shown] of puts) put(node, callId, shown);
  return c.body(null, 200);
});

serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => process.send!({ type: "listening", port: info.port }));

/**
 * Every call on every node read as a cold start must read it, and given the banner. Each call is
 * read as soon as its page of the list is, as the service does since the tenth round.
 */
async function reconcile(): Promise<{ calls: number; requests: number }> {
  let calls = 0;
  let requests = 0;
  await Promise.all(
    config.nodes.map(async (node) => {
      const reads: Promise<void>[] = [];
      await cms.listCalls(node, (page) => {
        requests++;
        for (const { id } of page) {
          const read = (async () => {
            await cms.getCall(node, id);
            const legs = await cms.listCallLegs(node, id);
            await Promise.all(legs.map((leg) => cms.getCallLeg(node, leg.id)));
            await cms.setCallMessage(node, id, banner);
            requests += 3 + legs.length;
            calls++;
          })();
          // Awaited below, once the list is read; a failure before then is not unhandled.
          read.catch(() => undefined);
          reads.push(read);
        }
      });
      await Promise.all(reads);
    }),
  );
  return { calls, requests };
}

async function handle(req: HostRequest): Promise<unknown> {
  switch (req.cmd) {
    case "reconcile":
      return reconcile();
    case "idle":
      if (inFlight) await new Promise<void>((r) => idle.push(r));
      return { failedPuts };
    case "cpu":
      return processCpuMs();
    case "stop":
      setImmediate(() => process.exit(0));
      return null;
    default:
      throw new Error(`floor host: ${req.cmd} is not measured here`);
  }
}

answerRequests(handle);
