/**
 * What the console's header says about the outside world, from what this instance saw: whether
 * each CMS node answered its last API request (and since when it has not), and when each node's
 * last CDR batch arrived. In process memory, like the counters: after a restart it is "unknown"
 * until the start-up reconcile has talked to every node.
 */
import type { CmsRequestEvent } from "../cms/client.ts";

export interface NodeHealth {
  node: string;
  /** "ok", a CmsErrorKind, or "unknown" before the first request. */
  state: string;
  /** When `state` last changed. */
  since?: number;
  lastRequestAt?: number;
  lastCdrAt?: number;
  /** The last failure's words, e.g. "unreachable ECONNREFUSED". */
  lastError?: string;
}

/** Kinds that say nothing about reachability: the node answered, about a call or a request. */
const ANSWERED = new Set(["ok", "gone", "rejected"]);

export function createHealth(nodeNames: string[]) {
  const nodes = new Map<string, NodeHealth>(nodeNames.map((n) => [n, { node: n, state: "unknown" }]));
  const entry = (node: string) => {
    let h = nodes.get(node);
    if (!h) nodes.set(node, (h = { node, state: "unknown" }));
    return h;
  };
  return {
    cmsRequest(e: CmsRequestEvent, at: number) {
      const h = entry(e.node);
      const state = ANSWERED.has(e.outcome) ? "ok" : e.outcome;
      if (state !== h.state) h.since = at;
      h.state = state;
      h.lastRequestAt = at;
      if (state !== "ok") h.lastError = `${e.method} ${e.path}: ${e.status ?? ""} ${e.outcome}`.replace(/\s+/g, " ");
    },
    cdrBatch(node: string, at: number) {
      entry(node).lastCdrAt = at;
    },
    snapshot: (): NodeHealth[] => [...nodes.values()].map((h) => ({ ...h })),
  };
}

export type Health = ReturnType<typeof createHealth>;
