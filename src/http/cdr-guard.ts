/**
 * Who may post CDRs: CDR_ALLOW (the client's address in one of the ranges, else 403) and then
 * CDR_TOKEN (`?token=` equal to it, else 401). Both are checked before the body is read, so a
 * refused batch costs nothing and stores nothing. CMS sends a receiver URI's query verbatim
 * (DOMAIN §5), which is what lets the token ride in it.
 */
import type { MiddlewareHandler } from "hono";
import { inAnyCidr } from "../core/cidr.ts";
import type { Service } from "../service/service.ts";
import type { ClientAddress } from "./client-address.ts";
import { sameSecret } from "./tokens.ts";

export function cdrGuard(service: Service, clientAddress: ClientAddress | undefined): MiddlewareHandler {
  const { counters, log } = service;
  const { cdrAllow, cdrToken } = service.config.security;
  return async (c, next) => {
    if (cdrAllow.length > 0) {
      const client = clientAddress?.(c);
      if (!inAnyCidr(client, cdrAllow)) {
        counters.inc("cdr_batches", { outcome: "403" });
        if (!clientAddress) log.error("CDR_ALLOW is set but this runtime reports no client address; every batch is refused");
        else log.warn("CDR batch refused: client not in CDR_ALLOW", { client: client ?? "unknown" });
        return c.text("this address may not post CDRs (CDR_ALLOW)\n", 403);
      }
    }
    if (cdrToken !== undefined) {
      const given = c.req.query("token");
      if (!(await sameSecret(given, cdrToken))) {
        counters.inc("cdr_batches", { outcome: "401" });
        log.warn("CDR batch refused: token missing or wrong", { client: clientAddress?.(c), token: given === undefined ? "missing" : "wrong" });
        return c.text("a CDR receiver URI with the right ?token= is required (CDR_TOKEN)\n", 401);
      }
    }
    await next();
  };
}
