/**
 * Who is on the other end of a request, for CDR_ALLOW. Only the runtime knows the peer: Node
 * reads the socket, Deno the connection info, Workers the `CF-Connecting-IP` header that
 * Cloudflare sets. Each entry hands its reader to createApp. X-Forwarded-For is believed only
 * from peers listed in TRUSTED_PROXIES, and then read from the right: the nearest address a
 * trusted proxy did not add is the client.
 */
import type { Context } from "hono";
import { inAnyCidr, type Cidr } from "../core/cidr.ts";

export type ClientAddress = (c: Context) => string | undefined;

export function behindProxies(direct: ClientAddress, trusted: readonly Cidr[]): ClientAddress {
  if (trusted.length === 0) return direct;
  return (c) => {
    const peer = direct(c);
    if (!inAnyCidr(peer, trusted)) return peer;
    const hops = (c.req.header("X-Forwarded-For") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    for (let i = hops.length - 1; i >= 0; i--) if (!inAnyCidr(hops[i], trusted)) return hops[i];
    return hops[0] ?? peer;
  };
}

/** For Workers: the address Cloudflare's edge saw; nothing else can set this header there. */
export const cloudflareClient: ClientAddress = (c) => c.req.header("CF-Connecting-IP");
