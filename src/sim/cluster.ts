/** A cluster of simulated Call Bridges, and the distribution links that spread one conference over two of them. */
import { DISTRIBUTION_LINK } from "./cdr-bodies.ts";
import { createSimNode } from "./model.ts";
import type { SimCluster, SimClusterOptions, SimNode } from "./types.ts";

export function createSimCluster(opts: SimClusterOptions): SimCluster {
  const nodes: SimNode[] = [];
  const context = {
    peers: () => nodes,
    username: opts.username ?? "apiuser",
    password: opts.password ?? "secret",
    pageCap: opts.pageCap ?? 10,
  };
  for (const name of opts.nodes) {
    if (nodes.some((n) => n.name === name)) throw new Error(`sim: node ${name} given twice`);
    nodes.push(createSimNode(name, context));
  }
  return {
    nodes,
    node(name) {
      const found = nodes.find((n) => n.name === name);
      if (!found) throw new Error(`sim: no node ${name}`);
      return found;
    },
  };
}

/**
 * Joins the instances of one conference on two nodes with a distribution-link leg on each side.
 * The API lists these legs always; CDRs carry them only where `includeDistributionLinksInCdr`.
 */
export function linkNodes(
  a: SimNode,
  callIdOnA: string,
  b: SimNode,
  callIdOnB: string,
): { recordsA: string[]; recordsB: string[] } {
  const callA = a.calls.get(callIdOnA);
  const callB = b.calls.get(callIdOnB);
  if (!callA || !callB) throw new Error(`sim: cannot link ${a.name}/${callIdOnA} and ${b.name}/${callIdOnB}: no such call`);
  // CMS only distributes instances of one conference, and they share the correlator (DOMAIN §4).
  if (callA.correlator !== callB.correlator) throw new Error("sim: linked calls must share their correlator");
  const outgoing = a.addLeg(callIdOnA, { type: "acano", subType: DISTRIBUTION_LINK, direction: "outgoing", remoteParty: b.name });
  const incoming = b.addLeg(callIdOnB, { type: "acano", subType: DISTRIBUTION_LINK, direction: "incoming", remoteParty: a.name });
  outgoing.leg.peer = { node: b.name, callId: callIdOnB };
  incoming.leg.peer = { node: a.name, callId: callIdOnA };
  return { recordsA: outgoing.records, recordsB: incoming.records };
}
