/**
 * createApp: the Hono app every runtime serves. Only web standards here; background work is handed
 * to the platform's `waitUntil` when there is one (Workers), and otherwise simply left to run.
 */
import { Hono, type Context } from "hono";
import { errorText } from "../service/log.ts";
import type { Service } from "../service/service.ts";
import { mountCdrRoutes } from "./cdr-route.ts";
import { mountOpsRoutes } from "./ops-routes.ts";

export function createApp(service: Service): Hono {
  const app = new Hono();
  const background = (c: Context, work: Promise<unknown>) => {
    const guarded = work.catch((err) => service.log.error("background work failed", { error: errorText(err) }));
    let waitUntil: ((p: Promise<unknown>) => void) | undefined;
    try {
      waitUntil = c.executionCtx.waitUntil.bind(c.executionCtx);
    } catch {
      // No execution context: Node and Deno keep the promise alive by themselves.
    }
    waitUntil?.(guarded);
  };

  mountCdrRoutes(app, service, background);
  mountOpsRoutes(app, service);

  app.notFound((c) => c.text(`no route for ${c.req.method} ${c.req.path}\n`, 404));
  app.onError((err, c) => {
    service.log.error("request failed", { method: c.req.method, path: c.req.path, error: errorText(err) });
    return c.text("internal error\n", 500);
  });
  return app;
}
