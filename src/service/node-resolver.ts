/**
 * Which configured CMS node hosts a call. Call ids are local to a Call Bridge (DOMAIN §4), so a
 * banner must be written through the API of the node that reported the call. In order:
 * the node named by the CDR URL (`/cdr/:node`) or the only node; a remembered alias; the
 * batch's `callBridge` GUID looked up in the cluster map (`GET /callBridges`); else ask each
 * node for the call once and remember the answer.
 */
import type { CmsClient, CmsNode } from "../cms/client.ts";
import { CmsError } from "../cms/errors.ts";
import { isUnresolved } from "../store/keys.ts";
import type { StateStore } from "../store/state.ts";
import type { Logger } from "./log.ts";

export interface NodeResolver {
  /** The node for a nodeKey, or undefined when no node can be found (yet). */
  resolve(nodeKey: string, callId?: string): Promise<CmsNode | undefined>;
  /** Without CMS I/O: configured name or a remembered alias. */
  known(nodeKey: string): Promise<CmsNode | undefined>;
  byName(name: string): CmsNode | undefined;
}

export function createNodeResolver(deps: { nodes: CmsNode[]; state: StateStore; cms: CmsClient; log: Logger }): NodeResolver {
  const { nodes, state, cms, log } = deps;
  const byName = (name: string) => nodes.find((n) => n.name === name);
  const cache = new Map<string, CmsNode>();

  const remember = async (nodeKey: string, node: CmsNode) => {
    cache.set(nodeKey, node);
    await state.putAlias(nodeKey, node.name);
    log.info("node resolved", { nodeKey, node: node.name });
    return node;
  };

  const known = async (nodeKey: string) => {
    if (!isUnresolved(nodeKey)) return byName(nodeKey);
    if (nodes.length === 1) return nodes[0];
    const hit = cache.get(nodeKey);
    if (hit) return hit;
    const alias = await state.getAlias(nodeKey);
    const node = alias ? byName(alias) : undefined;
    if (node) cache.set(nodeKey, node);
    return node;
  };

  /** The cluster map names every bridge with the address of its API; match it to our node list. */
  const fromClusterMap = async (bridgeId: string) => {
    for (const asker of nodes) {
      try {
        const bridges = await cms.listCallBridges(asker);
        for (const b of bridges) {
          const node = nodes.find((n) => sameOrigin(n.baseUrl, b.address) || n.name === b.name);
          if (node) {
            cache.set(`cb_${b.id}`, node);
            await state.putAlias(`cb_${b.id}`, node.name);
          }
        }
        return cache.get(`cb_${bridgeId}`);
      } catch (err) {
        log.warn("cluster map unavailable", { node: asker.name, error: String((err as Error).message) });
      }
    }
    return undefined;
  };

  const byProbing = async (callId: string) => {
    for (const node of nodes) {
      try {
        await cms.getCall(node, callId);
        return node;
      } catch (err) {
        if (!(err instanceof CmsError && err.kind === "gone")) throw err;
      }
    }
    return undefined;
  };

  const lookup = async (nodeKey: string, callId?: string) => {
    const fromMap = nodeKey.startsWith("cb_") ? await fromClusterMap(nodeKey.slice(3)) : undefined;
    if (fromMap) {
      log.info("node resolved", { nodeKey, node: fromMap.name, via: "callBridges" });
      return fromMap;
    }
    const probed = callId ? await byProbing(callId) : undefined;
    return probed ? remember(nodeKey, probed) : undefined;
  };
  // Calls of one unresolved source arrive together; they share one lookup instead of each probing.
  const inFlight = new Map<string, Promise<CmsNode | undefined>>();

  return {
    byName,
    known,
    async resolve(nodeKey, callId) {
      const hit = await known(nodeKey);
      if (hit || !isUnresolved(nodeKey)) return hit;
      let pending = inFlight.get(nodeKey);
      if (!pending) {
        pending = lookup(nodeKey, callId).finally(() => inFlight.delete(nodeKey));
        inFlight.set(nodeKey, pending);
      }
      return pending;
    },
  };
}

function sameOrigin(a: string, b: string | undefined): boolean {
  if (!b) return false;
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
