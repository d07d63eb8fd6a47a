/**
 * The new settings in the one schema: tokens, CIDR lists, retention, the receiver URI — each with
 * a precise error that never repeats a secret — and the start-up warnings for an open door.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { configWarnings, isLoopbackHost, loadConfig, secretsOf } from "../../src/config.ts";
import { maskUri, receiverUriFor, sameEndpoint } from "../../src/cli/receiver-uri.ts";
import { mintSession, sameSecret, validSession } from "../../src/http/tokens.ts";

const base = { CMS_NODES: "cb-a=https://10.0.0.5:445", CMS_USERNAME: "api", CMS_PASSWORD: "pw-secret" };
const errorsOf = (env: Record<string, string>) => {
  const r = loadConfig({ ...base, ...env });
  return r.ok ? [] : r.errors;
};

test("defaults: no tokens, no ranges, 30 days of audit", () => {
  const r = loadConfig(base);
  assert.ok(r.ok);
  assert.deepEqual(r.config.security, { cdrToken: undefined, cdrAllow: [], adminToken: undefined, trustedProxies: [] });
  assert.equal(r.config.auditRetentionDays, 30);
});

test("a weak or odd token is refused without its value in the message", () => {
  for (const [name, value] of [["CDR_TOKEN", "tooshort"], ["ADMIN_TOKEN", "has spaces in it, sixteen+"], ["ADMIN_TOKEN", "semi;colon;token;value"]] as const) {
    const errors = errorsOf({ [name]: value });
    assert.equal(errors.length, 1, name);
    assert.match(errors[0]!, new RegExp(`^${name}: must be 16 to 256 characters`));
    assert.ok(!errors[0]!.includes(value), "the value is not echoed");
  }
  const ok = loadConfig({ ...base, CDR_TOKEN: "0123456789abcdef", ADMIN_TOKEN: "A-b_c.d~e-0123456789" });
  assert.ok(ok.ok);
  assert.deepEqual(secretsOf(ok.config).slice(2), ["0123456789abcdef", "A-b_c.d~e-0123456789"]);
});

test("CIDR lists name the bad entry; retention and receiver URI are checked", () => {
  assert.deepEqual(errorsOf({ CDR_ALLOW: "10.0.0.0/8, 2001:db8::/33, nonsense" }), [
    'CDR_ALLOW: "nonsense" is not an IP address or CIDR range (such as 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32)',
  ]);
  assert.match(errorsOf({ TRUSTED_PROXIES: "10.0.0.0/40" })[0]!, /^TRUSTED_PROXIES: "10\.0\.0\.0\/40" is not/);
  assert.deepEqual(errorsOf({ AUDIT_RETENTION_DAYS: "0" }), ["AUDIT_RETENTION_DAYS: must be at least 1"]);
  assert.deepEqual(errorsOf({ AUDIT_RETENTION_DAYS: "a week" }), ["AUDIT_RETENTION_DAYS: must be a whole number"]);
  assert.match(errorsOf({ CDR_RECEIVER_URL: "banner:8443/cdr" })[0]!, /^CDR_RECEIVER_URL: must be an http/);
  assert.match(errorsOf({ CDR_RECEIVER_URL: "https://b.example/cdr?token=abc" })[0]!, /added from CDR_TOKEN/);
  const r = loadConfig({ ...base, CDR_ALLOW: "10.0.0.0/8,::1", AUDIT_RETENTION_DAYS: "7" });
  assert.ok(r.ok);
  assert.deepEqual(r.config.security.cdrAllow.map((c) => c.text), ["10.0.0.0/8", "::1"]);
  assert.equal(r.config.auditRetentionDays, 7);
});

test("start-up warnings: beyond loopback without ADMIN_TOKEN, and CDRs open to anyone", () => {
  const warn = (env: Record<string, string>) => {
    const r = loadConfig({ ...base, ...env });
    assert.ok(r.ok);
    return configWarnings(r.config);
  };
  assert.deepEqual(warn({ HOST: "127.0.0.1" }), []);
  assert.deepEqual(warn({ HOST: "::1" }), []);
  const open = warn({ HOST: "0.0.0.0" });
  assert.equal(open.length, 2);
  assert.match(open[0]!, /listening on 0\.0\.0\.0 without ADMIN_TOKEN/);
  assert.match(open[1]!, /neither CDR_TOKEN nor CDR_ALLOW/);
  assert.deepEqual(warn({ HOST: "0.0.0.0", ADMIN_TOKEN: "0123456789abcdef", CDR_ALLOW: "10.0.0.0/8" }), []);
  assert.ok(isLoopbackHost("localhost") && isLoopbackHost("127.8.9.10") && !isLoopbackHost("10.0.0.1") && !isLoopbackHost("::"));
});

test("secret comparison and session cookies", async () => {
  assert.equal(await sameSecret("0123456789abcdef", "0123456789abcdef"), true);
  assert.equal(await sameSecret("0123456789abcdeF", "0123456789abcdef"), false);
  assert.equal(await sameSecret("", "0123456789abcdef"), false);
  assert.equal(await sameSecret(undefined, ""), false, "no token is never a match, not even for an empty secret");
  const now = Date.parse("2026-11-26T10:00:00Z");
  const cookie = await mintSession("the-admin-token-0001", now);
  assert.equal(await validSession(cookie, "the-admin-token-0001", now + 1000), true);
  assert.equal(await validSession(cookie, "another-admin-token-02", now + 1000), false, "a new token ends old sessions");
  assert.equal(await validSession(cookie, "the-admin-token-0001", now + 13 * 3600 * 1000), false, "sessions expire");
});

test("receiver URIs: {node} filled, token added, secrets masked when printed", () => {
  assert.equal(receiverUriFor("https://b.example:8443/cdr/{node}", "cb-a", "tok0123456789abcd"), "https://b.example:8443/cdr/cb-a?token=tok0123456789abcd");
  assert.equal(receiverUriFor("http://b.example/cdr?system_id=acano1", "cb-a", undefined), "http://b.example/cdr?system_id=acano1");
  assert.equal(maskUri("https://b.example:8443/cdr/cb-a?token=tok0123456789abcd"), "https://b.example:8443/cdr/cb-a?token=***");
  assert.equal(maskUri("https://miv.example/cdr/cms/9f8e7d6c5b4a39281706/"), "https://miv.example/cdr/cms/***/");
  assert.equal(maskUri("https://b.example/cdr/callbridge-london-01"), "https://b.example/cdr/callbridge-london-01");
  assert.equal(maskUri("https://user:pw@b.example/x"), "https://b.example/x");
  assert.ok(sameEndpoint("https://b.example/cdr/cb-a?token=old", "https://B.example/cdr/cb-a/?token=new"));
});
