/** @jsxImportSource hono/jsx */
/**
 * ADMIN_TOKEN for people: a form that trades the token for an HttpOnly, SameSite=Strict session
 * cookie (tokens.ts), so a browser can open the page and its event stream. Scripts and
 * Prometheus send the token as a bearer header instead. The token is never echoed back.
 */
import type { Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { deleteCookie, setCookie } from "hono/cookie";
import type { Service } from "../../service/service.ts";
import { mintSession, sameSecret, SESSION_COOKIE, SESSION_SECONDS } from "../tokens.ts";
import { Shell } from "./page.tsx";

export function LoginPage(props: { failed?: boolean; expired?: boolean }) {
  return (
    <Shell title="cms-notify: log in">
      <main>
        <form class="login card" method="post" action="login">
          <h3>Log in</h3>
          <p class="muted">Enter the admin token (the ADMIN_TOKEN setting of this service).</p>
          {props.failed ? (
            <p class="bad" role="alert">
              That is not the admin token.
            </p>
          ) : null}
          <label for="token">Admin token</label>
          <input id="token" name="token" type="password" autocomplete="current-password" required autofocus />
          <button type="submit">Log in</button>
        </form>
      </main>
    </Shell>
  );
}

export const loginRequired = (c: Context) => c.html(<LoginPage />, 401);

export function mountLogin(app: Hono, service: Service) {
  const adminToken = service.config.security.adminToken;
  app.get("/login", (c) => (adminToken ? c.html(<LoginPage />) : c.redirect("./", 303)));

  app.post("/login", bodyLimit({ maxSize: 4096, onError: (c) => c.text("login form too large\n", 413) }), async (c) => {
    if (!adminToken) return c.redirect("./", 303);
    const form = await c.req.parseBody();
    const given = typeof form.token === "string" ? form.token : undefined;
    if (!(await sameSecret(given, adminToken))) {
      service.log.warn("console login refused");
      return c.html(<LoginPage failed />, 401);
    }
    setCookie(c, SESSION_COOKIE, await mintSession(adminToken, service.now()), {
      httpOnly: true,
      sameSite: "Strict",
      path: "/",
      maxAge: SESSION_SECONDS,
      secure: new URL(c.req.url).protocol === "https:",
    });
    return c.redirect("./", 303);
  });

  app.post("/logout", (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.redirect("login", 303);
  });
}
