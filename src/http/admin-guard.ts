/**
 * ADMIN_TOKEN in front of the page, /api/*, /metrics and /events: a bearer header (scripts,
 * Prometheus) or the console's session cookie (browsers, see console/login.tsx). Without the
 * setting everything is open, and the entries warn when they listen beyond loopback.
 */
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { Service } from "../service/service.ts";
import { loginRequired } from "./console/login.tsx";
import { bearerOf, sameSecret, SESSION_COOKIE, validSession } from "./tokens.ts";

export function adminGuard(service: Service): MiddlewareHandler {
  const token = service.config.security.adminToken;
  return async (c, next) => {
    if (token === undefined) return next();
    const bearer = bearerOf(c.req.header("Authorization"));
    const allowed =
      bearer !== undefined ? await sameSecret(bearer, token) : await validSession(getCookie(c, SESSION_COOKIE), token, service.now());
    if (allowed) return next();
    c.header("WWW-Authenticate", 'Bearer realm="cms-notify"');
    if (c.req.method === "GET" && c.req.path === "/") return loginRequired(c);
    return c.text("admin token required: send Authorization: Bearer <ADMIN_TOKEN>, or log in at /login\n", 401);
  };
}
