/** @jsxImportSource hono/jsx */
/**
 * The operator's console: GET / (the status page), GET /events (its live updates), and the
 * login form. The admin guard in front of / and /events is mounted by createApp.
 */
import type { Hono } from "hono";
import { getCookie } from "hono/cookie";
import type { Service } from "../../service/service.ts";
import { SESSION_COOKIE } from "../tokens.ts";
import { loadConsoleData } from "./data.ts";
import { createLiveFeed, type LiveFeedOptions } from "./live-feed.ts";
import { mountLogin } from "./login.tsx";
import { StatusPage } from "./page.tsx";

export function mountConsole(app: Hono, service: Service, feed: LiveFeedOptions = {}) {
  mountLogin(app, service);

  app.get("/", async (c) => {
    const nonce = crypto.randomUUID().replace(/-/g, "");
    const data = await loadConsoleData(service);
    c.header(
      "Content-Security-Policy",
      `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    );
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "no-referrer");
    c.header("Cache-Control", "no-store");
    const loggedIn = Boolean(service.config.security.adminToken && getCookie(c, SESSION_COOKIE));
    return c.html(<StatusPage data={data} nonce={nonce} loggedIn={loggedIn} />, data.error === undefined ? 200 : 503);
  });

  app.get("/events", createLiveFeed(service, feed));
}
