/** One schema, every default in one place, and errors that name the setting and what is wrong. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadConfig } from "../src/config.ts";
import { mergeSettings, parseConfigFile } from "../src/config-file.ts";

const minimal = { CMS_NODES: "cb-a=https://10.0.0.5:445", CMS_USERNAME: "api", CMS_PASSWORD: "pw-123" };

test("defaults are the original tool's behaviour", () => {
  const r = loadConfig(minimal);
  assert.ok(r.ok);
  const c = r.config;
  assert.equal(c.port, 5000);
  assert.equal(c.host, "0.0.0.0");
  assert.deepEqual(c.nodes, [{ name: "cb-a", baseUrl: "https://10.0.0.5:445" }]);
  assert.deepEqual(c.storage, { kind: "fs", dir: "./data" });
  assert.equal(c.reconcileIntervalS, 60);
  assert.equal(c.policy.mode, "external");
  assert.equal(c.policy.position, "bottom");
  assert.equal(c.policy.duration, "permanent");
  assert.equal(c.policy.texts.external, "External Participant(s) in Meeting");
  assert.ok(c.policy.restrictedPattern.test("Project X – RESTRICTED"));
  assert.ok(!c.policy.restrictedPattern.test("Unrestricted lounge"));
  assert.equal(c.cms.tlsInsecure, false);
});

test("node names are optional and derived from the host; a list of several nodes is kept in order", () => {
  const r = loadConfig({ ...minimal, CMS_NODES: "https://cms1.corp.example:445, b=https://10.0.0.6" });
  assert.ok(r.ok);
  assert.deepEqual(r.config.nodes.map((n) => [n.name, n.baseUrl]), [
    ["cms1-corp-example", "https://cms1.corp.example:445"],
    ["b", "https://10.0.0.6"],
  ]);
});

test("every error names the setting and what is wrong, and never echoes the password", () => {
  const r = loadConfig({
    CMS_NODES: "cb_a=https://x",
    CMS_PASSWORD: "",
    PORT: "http",
    BANNER_MODE: "loud",
    BANNER_DURATION: "forever",
    RESTRICTED_PATTERN: "(",
    INTERNAL_DOMAINS: "corp.example, not a domain",
    STORAGE: "s3:bucket",
    CMS_TLS_INSECURE: "maybe",
  });
  assert.ok(!r.ok);
  const text = r.errors.join("\n");
  for (const name of ["CMS_NODES", "CMS_USERNAME", "CMS_PASSWORD", "PORT", "BANNER_MODE", "BANNER_DURATION", "RESTRICTED_PATTERN", "INTERNAL_DOMAINS", "STORAGE", "CMS_TLS_INSECURE"]) {
    assert.match(text, new RegExp(`^${name}: `, "m"), `${name} is named`);
  }
  assert.match(text, /BANNER_MODE: must be one of external, levels/);
  assert.match(text, /CMS_NODES: node name "cb_a" may only use letters, digits and "-"/);
});

test("settings that contradict each other are refused", () => {
  const both = loadConfig({ ...minimal, CMS_CA_FILE: "/etc/ca.pem", CMS_TLS_INSECURE: "true" });
  assert.ok(!both.ok && both.errors.some((e) => e.startsWith("CMS_TLS_INSECURE")));
  const half = loadConfig({ ...minimal, CMS_ACCESS_CLIENT_ID: "id.access" });
  assert.ok(!half.ok && half.errors.some((e) => e.includes("CMS_ACCESS_CLIENT_SECRET")));
  const dup = loadConfig({ ...minimal, CMS_NODES: "a=https://x,a=https://y" });
  assert.ok(!dup.ok && dup.errors[0]!.includes("used twice"));
});

test("the original credentials.yml is understood: cms_ips and port become CMS_NODES", () => {
  const file = parseConfigFile("username: 'apiuser'\npassword: 'pw'\ncms_ips:\n  - '10.0.0.5'\n  - cms2.corp.example\nport: '445'\n", "credentials.yml");
  const r = loadConfig(file);
  assert.ok(r.ok);
  assert.deepEqual(r.config.nodes.map((n) => n.baseUrl), ["https://10.0.0.5:445", "https://cms2.corp.example:445"]);
  assert.equal(r.config.cms.username, "apiuser");
  assert.equal(r.config.port, 5000, "the original's port is the CMS port, not ours");
});

test("a YAML or JSON file with our own names; the environment wins over the file", () => {
  const file = parseConfigFile('{"CMS_NODES": "https://10.0.0.9", "internal_domains": ["corp.example", "corp.example.net"], "CMS_USERNAME": "f", "CMS_PASSWORD": "file-pw"}', "c.json");
  const r = loadConfig(mergeSettings(file, { CMS_PASSWORD: "env-pw", UNRELATED: "x" }));
  assert.ok(r.ok);
  assert.deepEqual(r.config.policy.internalDomains, ["corp.example", "corp.example.net"]);
  assert.equal(r.config.cms.password, "env-pw");
  assert.throws(() => parseConfigFile("a: [", "bad.yml"), /CONFIG_FILE bad.yml: not valid YAML or JSON/);
  assert.throws(() => parseConfigFile("CMS_NODES: {a: 1}", "nested.yml"), /must be a value or a list/);
});
