/**
 * The status page in a real headless Chromium (Debian's, driven by playwright-core): log in with
 * the admin token, see the live meetings and their banners, and watch the page update by itself
 * (server-sent events, no reload) when a guest joins. Screenshots go to tests/artifacts/; with
 * UPDATE_SCREENSHOT=1 the desktop one also replaces docs/status-page.png (the README's picture), so
 * that a test run never leaves the tree changed.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { chromium, type BrowserContext } from "playwright-core";
import { linkNodes } from "../../src/sim/index.ts";
import { startService, type ServiceProcess } from "../helpers/service-process.ts";
import { startSimCluster, type ServedCluster } from "../helpers/sim-cluster.ts";
import { eventually } from "../helpers/wait.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const present = existsSync(CHROMIUM);
if (!present) {
  process.stderr.write(`\n!!! SKIPPING the browser test: no Chromium at ${CHROMIUM}. Install it with \`apt-get install -y chromium\` (.ci/run should). !!!\n\n`);
}
const skip = present ? false : `no Chromium at ${CHROMIUM}: apt-get install -y chromium`;

const ADMIN_TOKEN = "console-admin-token-0123456789";
const root = resolve(import.meta.dirname, "../..");
const artifacts = join(root, "tests", "artifacts");

let sim: ServedCluster;
let svc: ServiceProcess;
let browser: BrowserContext | undefined;
let profile: string;

before(async () => {
  if (!present) return;
  sim = await startSimCluster(["cb-a", "cb-b"]);
  svc = await startService({ ...sim.env, STORAGE: "memory", ADMIN_TOKEN, INTERNAL_DOMAINS: "corp.example" }, "node");
  profile = await mkdtemp(join(tmpdir(), "cms-notify-chromium-"));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});
after(async () => {
  await browser?.close();
  await svc?.stop();
  await sim?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

const post = async (node: string, xml: string) => assert.equal((await svc.post(`/cdr/${node}`, xml)).status, 200);

test("the page shows live meetings and their banners, and updates by itself when a guest joins", { skip, timeout: 60_000 }, async () => {
  const a = sim.cluster.node("cb-a");
  const b = sim.cluster.node("cb-b");
  // A restricted meeting spread over both nodes, with a partner on SIP: the combined banner.
  const correlator = randomUUID();
  const fa = a.startCall({ name: "Project Falcon - RESTRICTED", correlator });
  const fb = b.startCall({ name: "Project Falcon - RESTRICTED", correlator });
  const link = linkNodes(a, fa.call.id, b, fb.call.id);
  const carol = a.addLeg(fa.call.id, { displayName: "Carol Jones", remoteParty: "carol@corp.example", type: "sip" });
  const partner = b.addLeg(fb.call.id, { displayName: "Dana (Partner)", remoteParty: "dana@partner.example.net", type: "sip" });
  await post("cb-a", a.records(fa.records, link.recordsA, carol.records));
  await post("cb-b", b.records(fb.records, link.recordsB, partner.records));
  // An internal meeting: no banner, until a guest joins below.
  const sync = a.startCall({ name: "Weekly sync" });
  const alice = a.addLeg(sync.call.id, { displayName: "Alice Smith", remoteParty: "alice@corp.example", type: "acano" });
  const bob = a.addLeg(sync.call.id, { displayName: "Bob Lee", remoteParty: "bob@corp.example", type: "sip" });
  await post("cb-a", a.records(sync.records, alice.records, bob.records));
  const both = "Restricted Meeting, External Participant(s) in Meeting";
  await eventually(() => fa.call.message?.text === both && fb.call.message?.text === both, { what: "the Falcon banner on both nodes" });

  const page = await browser!.newPage();
  const first = await page.goto(svc.url + "/");
  assert.equal(first?.status(), 401, "the page asks for the admin token first");
  await page.fill("input[name=token]", ADMIN_TOKEN);
  await Promise.all([page.waitForURL(svc.url + "/"), page.click("button[type=submit]")]);
  const cookies = await browser!.cookies(svc.url);
  const session = cookies.find((c) => c.name === "cms_notify_session");
  assert.ok(session?.httpOnly, "an HttpOnly session cookie");
  assert.equal(session?.sameSite, "Strict");

  const falcon = page.locator(`[data-meeting="${correlator}"]`);
  await falcon.waitFor();
  assert.match(await falcon.locator("[data-desired]").innerText(), /Restricted Meeting, External Participant\(s\) in Meeting/);
  assert.match(await falcon.innerText(), /restricted/);
  assert.match(await falcon.innerText(), /Dana \(Partner\)\s*external\s*domain partner\.example\.net/);
  assert.match(await falcon.innerText(), /Carol Jones\s*internal\s*domain corp\.example/);
  assert.match(await falcon.innerText(), /distribution link\s*not counted/);
  await eventually(async () => /shows it/.test(await falcon.locator('[data-applied-node="cb-b"]').innerText()), { what: "cb-b's banner shown in sync" });
  const weekly = page.locator(`[data-meeting="${sync.call.correlator}"]`);
  assert.match(await weekly.locator("[data-desired]").innerText(), /no banner wanted/);
  await page.waitForSelector("#conn[data-state=live]");

  // A guest joins: the page must show it without a reload.
  // A string, not a function: it runs in the page, and this project's types have no DOM.
  await page.evaluate("window.notReloaded = true");
  const guest = a.addLeg(sync.call.id, { displayName: "Visitor Vic", type: "acano", subType: "webApp", guestConnection: true });
  await post("cb-a", a.records(guest.records));
  // Locators rather than waitForFunction: the page's CSP forbids the eval that the latter uses.
  await weekly.locator("[data-desired]", { hasText: "External Participant(s) in Meeting" }).waitFor({ timeout: 10_000 });
  await weekly.locator('[data-applied-node="cb-a"]', { hasText: "shows it" }).waitFor({ timeout: 10_000 });
  assert.match(await weekly.innerText(), /Visitor Vic\s*external\s*web app guest/);
  assert.equal(await page.evaluate("window.notReloaded"), true, "updated in place");
  const audit = page.locator(`tr[data-audit-meeting="${sync.call.correlator}"]`);
  assert.match(await audit.first().innerText(), /Visitor Vic/);
  assert.ok(!(await page.content()).includes(ADMIN_TOKEN), "the token never appears in the page");

  await mkdir(artifacts, { recursive: true });
  const shot = join(artifacts, "status-page.png");
  await page.screenshot({ path: shot, fullPage: true });
  if (process.env.UPDATE_SCREENSHOT === "1") await copyFile(shot, join(root, "docs", "status-page.png"));

  // Readable on a phone: nothing wider than the screen but the audit table, which scrolls inside its box.
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = (await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")) as number;
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone screen`);
  await page.screenshot({ path: join(artifacts, "status-page-phone.png"), fullPage: true });
});

test("an empty service says so, plainly", { skip, timeout: 30_000 }, async () => {
  // A cluster of its own: the start-up reconcile would otherwise find the calls above.
  const quiet = await startSimCluster(["cb-q"]);
  const empty = await startService({ ...quiet.env, STORAGE: "memory" }, "node");
  try {
    const page = await browser!.newPage();
    const res = await page.goto(empty.url + "/");
    assert.equal(res?.status(), 200);
    assert.match(await page.locator("section[aria-label=meetings]").innerText(), /No live meetings/);
    assert.match(await page.locator("section[aria-label=audit]").innerText(), /No banner changes recorded yet/);
    await page.close();
  } finally {
    await empty.stop();
    await quiet.close();
  }
});
