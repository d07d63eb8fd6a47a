/**
 * ADMIN_TOKEN: the page, /api/*, /metrics and /events answer 401 without it; a bearer header
 * opens them; a browser logs in with a form and gets an HttpOnly, SameSite=Strict cookie that
 * is not the token. /healthz, /readyz and the CDR receiver stay open. The token never shows.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startService, type ServiceProcess } from "../helpers/service-process.ts";
import { startSimCluster, type ServedCluster } from "../helpers/sim-cluster.ts";

const ADMIN = "admin-token-9c1d77e0b5a24f3e";
const PROTECTED = ["/", "/api/meetings", "/api/audit", "/api/stats", "/metrics", "/events"];

let sim: ServedCluster;
let svc: ServiceProcess;

before(async () => {
  sim = await startSimCluster(["cb-a"]);
  svc = await startService({ ...sim.env, STORAGE: "memory", ADMIN_TOKEN: ADMIN }, "node");
});
after(async () => {
  await svc.stop();
  await sim.close();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(svc.url + path, { headers, redirect: "manual" });
const login = (token: string) =>
  fetch(`${svc.url}/login`, { method: "POST", body: new URLSearchParams({ token }), redirect: "manual" });

test("without the token: 401 everywhere but the probes and the CDR receiver", async () => {
  for (const path of PROTECTED) {
    const res = await get(path);
    assert.equal(res.status, 401, path);
    assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="cms-notify"', path);
    await res.body?.cancel();
  }
  const page = await get("/");
  assert.match(await page.text(), /<form[^>]*action="login"/, "the page offers the login form");
  assert.equal((await get("/healthz")).status, 200);
  assert.equal((await get("/readyz")).status, 200);
  assert.equal((await get("/login")).status, 200);
  const a = sim.cluster.node("cb-a");
  assert.equal((await svc.post("/cdr/cb-a", a.records(a.startCall({ name: "Open door" }).records))).status, 200);
});

test("a bearer header opens them; a wrong one does not", async () => {
  for (const path of PROTECTED.filter((p) => p !== "/events")) {
    const res = await get(path, { Authorization: `Bearer ${ADMIN}` });
    assert.equal(res.status, 200, path);
    assert.ok(!(await res.text()).includes(ADMIN), `${path} never shows the token`);
  }
  for (const wrong of [`Bearer ${ADMIN}x`, `Bearer ${ADMIN.slice(1)}`, `Basic ${btoa(`admin:${ADMIN}`)}`, "Bearer"]) {
    assert.equal((await get("/api/meetings", { Authorization: wrong })).status, 401, wrong.replace(ADMIN, "<token>"));
  }
});

test("login form: a wrong token is refused without a cookie; the right one sets a session cookie", async () => {
  const refused = await login("not-the-admin-token-at-all");
  assert.equal(refused.status, 401);
  assert.equal(refused.headers.get("set-cookie"), null);
  const refusedPage = await refused.text();
  assert.match(refusedPage, /not the admin token/);
  assert.ok(!refusedPage.includes("not-the-admin-token-at-all"), "what was typed is not echoed");

  const ok = await login(ADMIN);
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get("location"), "./");
  const setCookie = ok.headers.get("set-cookie") ?? "";
  assert.match(setCookie, /^cms_notify_session=\d+\.[0-9a-f]{64};/);
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  assert.match(setCookie, /Path=\//);
  assert.match(setCookie, /Max-Age=43200/);
  assert.ok(!setCookie.includes(ADMIN), "the cookie is not the token");
  const cookie = setCookie.split(";")[0]!;

  const page = await get("/", { Cookie: cookie });
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, /Live meetings/);
  assert.match(html, /Log out/);
  assert.ok(!html.includes(ADMIN));
  assert.match(page.headers.get("content-security-policy") ?? "", /script-src 'nonce-[0-9a-f]+'/);

  const events = await get("/events", { Cookie: cookie });
  assert.equal(events.status, 200);
  assert.equal(events.headers.get("content-type"), "text/event-stream");
  const reader = events.body!.getReader();
  let first = "";
  while (!first.includes("\n\n")) first += new TextDecoder().decode((await reader.read()).value);
  await reader.cancel();
  assert.match(first, /^event: update\ndata: .*Live meetings/s);

  const [expiry, mac] = cookie.split("=")[1]!.split(".");
  for (const forged of [`cms_notify_session=${Number(expiry) + 1}.${mac}`, `cms_notify_session=1.${mac}`, "cms_notify_session=x"]) {
    assert.equal((await get("/api/meetings", { Cookie: forged })).status, 401, forged);
  }

  const out = await fetch(`${svc.url}/logout`, { method: "POST", headers: { Cookie: cookie }, redirect: "manual" });
  assert.equal(out.status, 303);
  assert.match(out.headers.get("set-cookie") ?? "", /^cms_notify_session=;.*Max-Age=0/);
});

test("the token never reaches the log", () => {
  assert.ok(svc.events().some((e) => e.msg === "console login refused"));
  assert.ok(!svc.logs.join("\n").includes(ADMIN));
});
