/**
 * The REST API subset of one simulated Call Bridge (DOMAIN.md §6, §9) as a Hono app:
 * Basic auth, object names matched case-insensitively, XML bodies, CMS failure documents.
 */
import { Hono } from "hono";
import { isDistributionLink } from "./cdr-bodies.ts";
import { ConnectionReset, type FaultList } from "./faults.ts";
import { applyMessageParams, MESSAGE_PARAMS, takePage } from "./params.ts";
import { trafficMiddleware } from "./traffic.ts";
import type { SimCall, SimNode } from "./types.ts";
import * as view from "./views.ts";

export interface SimApiContext {
  /** Every node of the cluster, this one included. */
  peers(): SimNode[];
  username: string;
  password: string;
  pageCap: number;
  faults: FaultList;
  bootedAt(): number;
}

const OBJECT_NAMES = new Set(["api", "v1", "calls", "calllegs", "callbridges", "system", "status", "cdrreceivers"]);

/** Lower-cases the object names of the path but never an id (ids given by tests may have capitals). */
function objectPath(req: Request): string {
  return new URL(req.url).pathname
    .split("/")
    .map((segment) => (OBJECT_NAMES.has(segment.toLowerCase()) ? segment.toLowerCase() : segment))
    .join("/");
}

export function createSimApi(self: SimNode, ctx: SimApiContext): Hono {
  const app = new Hono({ getPath: objectPath });
  const xml = (body: string, status = 200) => new Response(body, { status, headers: { "Content-Type": "text/xml" } });
  const failure = (status: number, reason: string, attrs?: Record<string, string>) =>
    xml(view.failureDocument(reason, attrs), status);
  const parameterError = (parameter: string) => failure(400, "parameterError", { parameter, error: "invalidValue" });
  const ok = (headers?: Record<string, string>) => new Response(null, { status: 200, headers });
  const query = (url: string) => new URL(url).searchParams;
  const allLegs = () => [...self.calls.values()].flatMap((call) => [...call.legs.values()]);
  const expectedAuth = basicToken(ctx.username, ctx.password);

  function paged<T>(root: string, all: T[], url: string, item: (t: T) => string): Response {
    const page = takePage(all, query(url), ctx.pageCap);
    if (!page.ok) return parameterError(page.parameter);
    return xml(view.listDocument(root, page.total, page.items.map(item)));
  }

  /** Participants of this conference hosted by the peers this call has distribution links to. */
  function remoteParticipants(call: SimCall): number {
    return [...call.legs.values()].reduce((sum, leg) => {
      const peerCall = leg.peer && ctx.peers().find((n) => n.name === leg.peer?.node)?.calls.get(leg.peer.callId);
      return peerCall ? sum + [...peerCall.legs.values()].filter((l) => !isDistributionLink(l)).length : sum;
    }, 0);
  }

  app.use("*", trafficMiddleware(self, ctx.faults));
  app.use("*", async (c, next) => {
    const token = /^basic\s+(\S+)$/i.exec(c.req.header("Authorization") ?? "")?.[1];
    if (token !== expectedAuth) {
      return new Response(null, { status: 401, headers: { "WWW-Authenticate": 'Basic realm="acano"' } });
    }
    await next();
  });
  app.onError((err) => {
    if (err instanceof ConnectionReset) throw err;
    return new Response(`sim error: ${err.message}`, { status: 500 });
  });
  app.notFound(() => failure(404, "unrecognizedObject"));

  app.get("/api/v1/calls", (c) => {
    const space = query(c.req.url).get("coSpaceFilter");
    const calls = [...self.calls.values()].filter((call) => !space || call.coSpace === space);
    return paged("calls", calls, c.req.url, view.callItem);
  });
  app.get("/api/v1/calls/:id", (c) => {
    const call = self.calls.get(c.req.param("id"));
    if (!call) return failure(self.goneStatus, "callDoesNotExist");
    return xml(view.callDetail(call, remoteParticipants(call), Date.now()));
  });
  app.put("/api/v1/calls/:id", async (c) => {
    const call = self.calls.get(c.req.param("id"));
    if (!call) return failure(self.goneStatus, "callDoesNotExist");
    const params = new URLSearchParams(await c.req.text());
    const update = applyMessageParams(call.message, params);
    if (!update.ok) return parameterError(update.parameter);
    call.message = update.message;
    if (MESSAGE_PARAMS.some((name) => params.has(name))) call.messageSetAt = Date.now();
    return ok();
  });
  app.get("/api/v1/calls/:id/calllegs", (c) => {
    const call = self.calls.get(c.req.param("id"));
    if (!call) return failure(self.goneStatus, "callDoesNotExist");
    return paged("callLegs", [...call.legs.values()], c.req.url, view.legItem);
  });
  app.get("/api/v1/calllegs", (c) => paged("callLegs", allLegs(), c.req.url, view.legItem));
  app.get("/api/v1/calllegs/:id", (c) => {
    const leg = self.leg(c.req.param("id"));
    if (!leg) return failure(self.goneStatus, "callLegDoesNotExist");
    return xml(view.legDetail(leg, Date.now()));
  });

  app.get("/api/v1/callbridges", (c) => paged("callBridges", ctx.peers(), c.req.url, view.callBridgeItem));
  app.get("/api/v1/callbridges/:id", (c) => {
    const bridge = ctx.peers().find((n) => n.callBridgeId === c.req.param("id"));
    if (!bridge) return failure(404, "callBridgeDoesNotExist");
    return xml(view.callBridgeDetail(bridge));
  });

  app.get("/api/v1/system/status", () => {
    const now = Date.now();
    return xml(view.systemStatus(self, Math.floor((now - ctx.bootedAt()) / 1000), now));
  });
  app.get("/api/v1/system/cdrreceivers", () => {
    const items = [...self.cdrReceivers].map(([id, uri]) => view.cdrReceiverItem(id, uri));
    return xml(view.listDocument("cdrReceivers", items.length, items, { maximum: view.MAX_CDR_RECEIVERS }));
  });
  app.post("/api/v1/system/cdrreceivers", async (c) => {
    const url = new URLSearchParams(await c.req.text()).get("url");
    if (!url) return parameterError("url");
    if (self.cdrReceivers.size >= view.MAX_CDR_RECEIVERS) return failure(400, "tooManyCdrReceivers");
    const id = crypto.randomUUID();
    self.cdrReceivers.set(id, url);
    return ok({ Location: `/api/v1/system/cdrReceivers/${id}` });
  });
  app.get("/api/v1/system/cdrreceivers/:id", (c) => {
    const uri = self.cdrReceivers.get(c.req.param("id"));
    if (uri === undefined) return failure(404, "cdrReceiverDoesNotExist");
    return xml(view.cdrReceiverDetail(c.req.param("id"), uri));
  });
  app.delete("/api/v1/system/cdrreceivers/:id", (c) => {
    if (!self.cdrReceivers.delete(c.req.param("id"))) return failure(404, "cdrReceiverDoesNotExist");
    return ok();
  });

  return app;
}

/** Encodes UTF-8 first, since `btoa` only takes Latin-1. */
function basicToken(username: string, password: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(`${username}:${password}`)));
}
