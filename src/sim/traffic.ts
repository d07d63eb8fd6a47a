/**
 * The outermost API middleware: counts and logs every request (refused and failed ones too),
 * tracks how many overlap, records banner PUTs, and applies latency and injected failures.
 * It runs before authentication so that a test can fail any request, as a busy CMS would.
 */
import type { MiddlewareHandler } from "hono";
import { ConnectionReset, type FaultList } from "./faults.ts";
import type { SimNode } from "./types.ts";

const CALL_PATH = /^\/api\/v1\/calls\/([^/]+)\/?$/i;

export function trafficMiddleware(node: SimNode, faults: FaultList): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method;
    const url = new URL(c.req.url);
    const stats = node.requests;
    if (method === "GET" || method === "HEAD") stats.reads += 1;
    else stats.writes += 1;
    stats.inFlight += 1;
    stats.peakInFlight = Math.max(stats.peakInFlight, stats.inFlight);

    const putCallId = method === "PUT" ? CALL_PATH.exec(url.pathname)?.[1] : undefined;
    let putBody: Record<string, string> = {};
    let status = 0;
    try {
      if (putCallId !== undefined) putBody = Object.fromEntries(new URLSearchParams(await c.req.text()));
      if (node.latencyMs > 0) await sleep(node.latencyMs);
      const rule = faults.take(method, url.pathname);
      if (rule?.delayMs) await sleep(rule.delayMs);
      if (rule?.reset) throw new ConnectionReset();
      if (rule?.status !== undefined) {
        status = rule.status;
        return new Response(null, { status });
      }
      await next();
      status = c.res.status;
    } finally {
      stats.inFlight -= 1;
      stats.log.push({ method, path: url.pathname + url.search, status });
      if (putCallId !== undefined) node.puts.push({ callId: decodeURIComponent(putCallId), body: putBody, status });
    }
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
