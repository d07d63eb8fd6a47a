/**
 * GET /api/audit?meeting=<id>&since=<ISO time>&limit=<n>: banner changes, newest first, as JSON.
 * A malformed parameter is a 400 that says which one and what it should look like.
 */
import type { Hono } from "hono";
import type { Service } from "../service/service.ts";

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export function mountAudit(app: Hono, service: Service) {
  app.get("/api/audit", async (c) => {
    const meeting = c.req.query("meeting") || undefined;
    const sinceText = c.req.query("since");
    const limitText = c.req.query("limit");
    let since: number | undefined;
    if (sinceText) {
      since = ISO.test(sinceText) ? Date.parse(sinceText) : NaN;
      if (Number.isNaN(since)) return c.json({ error: "since: must be an ISO 8601 time such as 2026-11-26T09:00:00Z" }, 400);
    }
    if (limitText && !/^[1-9]\d{0,3}$/.test(limitText)) return c.json({ error: "limit: must be a whole number from 1 to 9999" }, 400);
    if (meeting && meeting.length > 200) return c.json({ error: "meeting: too long for a meeting id" }, 400);
    const entries = await service.audit.query({ meeting, since, limit: limitText ? Number(limitText) : 500 });
    return c.json({
      entries: entries.map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
      retentionDays: service.config.auditRetentionDays,
    });
  });
}
