/**
 * createApp: the Hono app every runtime serves. Only web standards here; background work is handed
 * to the platform's `waitUntil` when there is one (Workers), and otherwise simply left to run.
 * The runtime entry says how to learn a request's client address (`clientAddress`), since only
 * it knows: the socket on Node and Deno, Cloudflare's header on Workers.
 */
import { Hono, type Context } from "hono";
import { errorText } from "../service/log.ts";
import type { Service } from "../service/service.ts";
import { adminGuard } from "./admin-guard.ts";
import { mountAudit } from "./audit-route.ts";
import { cdrGuard } from "./cdr-guard.ts";
import { mountCdrRoutes } from "./cdr-route.ts";
import { behindProxies, type ClientAddress } from "./client-address.ts";
import type { LiveFeedOptions } from "./console/live-feed.ts";
import { mountConsole } from "./console/routes.tsx";
import { mountMetrics } from "./metrics-route.ts";
import { mountOpsRoutes } from "./ops-routes.ts";

export interface AppOptions {
  /** The peer's address as the runtime sees it; without it, CDR_ALLOW refuses every batch. */
  clientAddress?: ClientAddress;
  liveFeed?: LiveFeedOptions;
  /**
   * Keeps work started by a request alive after its answer (workerd's `waitUntil`). Given by the
   * entry rather than probed through `c.executionCtx`, whose getter throws where there is none:
   * an Error with its stack for every CDR POST on Node.
   */
  keepAlive?: (c: Context, work: Promise<unknown>) => void;
}

export function createApp(service: Service, opts: AppOptions = {}): Hono {
  const app = new Hono();
  const background = (c: Context, work: Promise<unknown>) => {
    const guarded = work.catch((err) => service.log.error("background work failed", { error: errorText(err) }));
    // Node and Deno keep the promise alive by themselves; Workers hand in waitUntil.
    opts.keepAlive?.(c, guarded);
  };
  const client = opts.clientAddress && behindProxies(opts.clientAddress, service.config.security.trustedProxies);

  // /healthz and /readyz stay open: load balancers and orchestrators probe them without a token.
  const admin = adminGuard(service);
  for (const path of ["/", "/api/*", "/metrics", "/events"]) app.use(path, admin);

  mountCdrRoutes(app, service, background, cdrGuard(service, client));
  mountOpsRoutes(app, service);
  mountAudit(app, service);
  mountMetrics(app, service);
  mountConsole(app, service, opts.liveFeed);

  app.notFound((c) => c.text(`no route for ${c.req.method} ${c.req.path}\n`, 404));
  app.onError((err, c) => {
    service.log.error("request failed", { method: c.req.method, path: c.req.path, error: errorText(err) });
    return c.text("internal error\n", 500);
  });
  return app;
}
