/**
 * POST /cdr and /cdr/:node — the CMS CDR receiver. The answer is exactly `200 OK` with an empty
 * body, and only once the batch's effect is stored (CMS forgets a batch at 200, DOMAIN §1);
 * 400 with a reason for what is not CDR XML, 413 for an oversized body, 503 while the store
 * cannot be written (CMS keeps the batch and sends it again). Banner work runs after the answer.
 * Before any of that, the guard (cdr-guard.ts) answers 403/401 for a sender CDR_ALLOW or
 * CDR_TOKEN does not admit, without reading the body.
 */
import type { Context, Hono, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { parseCdrBatch } from "../core/parse-cdr.ts";
import { sourceKey } from "../store/keys.ts";
import { StoreError } from "../store/state.ts";
import { errorText } from "../service/log.ts";
import type { Service } from "../service/service.ts";

export function mountCdrRoutes(
  app: Hono,
  service: Service,
  background: (c: Context, work: Promise<unknown>) => void,
  guard: MiddlewareHandler,
) {
  const { config, log, counters } = service;
  const tooLarge = (c: Context) => {
    counters.inc("cdr_batches", { outcome: "413" });
    return c.text(`CDR batch larger than ${config.maxBodyBytes} bytes\n`, 413);
  };
  const counting = bodyLimit({ maxSize: config.maxBodyBytes, onError: tooLarge });
  // CMS sends Content-Length (DOMAIN §1): judge those by the header alone. bodyLimit touches the
  // body stream first, which on Node doubles the server's CPU per POST; it is kept for chunked
  // bodies, whose size only counting can tell.
  const limit: MiddlewareHandler = (c, next) => {
    const length = c.req.header("content-length");
    if (length === undefined || c.req.header("transfer-encoding") !== undefined) return counting(c, next);
    return Number(length) > config.maxBodyBytes ? Promise.resolve(tooLarge(c)) : next();
  };

  const receive = async (c: Context) => {
    const nodeParam = c.req.param("node");
    if (nodeParam !== undefined && !config.nodes.some((n) => n.name === nodeParam)) {
      counters.inc("cdr_batches", { outcome: "404" });
      return c.text(`unknown node "${nodeParam}": use one of the names in CMS_NODES\n`, 404);
    }
    const parsed = parseCdrBatch(await c.req.text());
    if (!parsed.ok) {
      counters.inc("cdr_batches", { outcome: "400" });
      log.warn("CDR batch refused", { node: nodeParam, reason: parsed.reason });
      return c.text(`${parsed.reason}\n`, 400);
    }
    const batch = parsed.batch;
    const nodeKey = nodeParam ?? (config.nodes.length === 1 ? config.nodes[0]!.name : sourceKey(batch));
    if (!nodeKey) {
      counters.inc("cdr_batches", { outcome: "400" });
      return c.text("cannot tell which Call Bridge sent this batch (no session or callBridge): post to /cdr/<node>\n", 400);
    }
    for (const r of batch.rejected) {
      counters.inc("cdr_records_rejected", { type: r.type });
      log.warn("CDR record rejected", { node: nodeKey, position: r.position, type: r.type, reason: r.reason });
    }
    for (const [type, n] of Object.entries(batch.ignored)) counters.inc("cdr_records_ignored", { type }, n);
    const byType = new Map<string, number>();
    for (const r of batch.records) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    for (const [type, n] of byType) counters.inc("cdr_records", { type }, n);

    let result;
    try {
      result = await service.ingest(batch, nodeKey);
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      counters.inc("cdr_batches", { outcome: "503" });
      log.error("CDR batch not stored; CMS will send it again", { node: nodeKey, error: errorText(err) });
      return c.text("state store unavailable; send the batch again later\n", 503);
    }
    counters.inc("cdr_batches", { outcome: "200" });
    counters.inc("cdr_records_duplicate", {}, result.duplicates);
    service.health.cdrBatch(nodeKey, service.now());
    service.events.publish({ type: "batch", node: nodeKey, records: batch.records.length, at: service.now() });
    background(c, service.afterIngest(result, nodeKey));
    return c.body(null, 200);
  };

  app.post("/cdr", guard, limit, receive);
  app.post("/cdr/:node", guard, limit, receive);
}
