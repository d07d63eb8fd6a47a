/**
 * GET /healthz (the process answers), GET /readyz (the store takes writes), GET /api/meetings
 * (the live picture, as JSON, for operators and tests).
 */
import type { Hono } from "hono";
import type { Service } from "../service/service.ts";
import { meetingsView } from "./meetings-view.ts";

export function mountOpsRoutes(app: Hono, service: Service) {
  app.get("/healthz", (c) => c.json({ status: "ok" }));

  app.get("/readyz", async (c) => {
    const r = await service.readiness();
    return c.json({ ...r, config: "ok" }, r.ready ? 200 : 503);
  });

  app.get("/api/meetings", async (c) => c.json({ meetings: await meetingsView(service) }));

  app.get("/api/stats", (c) =>
    c.json({
      counters: service.counters.snapshot(),
      applier: service.applier.status(),
      lastReconcile: service.reconciler.last() ?? null,
    }),
  );
}
