/**
 * The one configuration schema. Every runtime hands us a plain record of strings (environment,
 * Workers vars, or a config file flattened to the same names); every default lives here, and every
 * error names the setting and what is wrong with it.
 */
import * as v from "valibot";
import type { CmsNode } from "./cms/client.ts";
import { defaultTexts } from "./core/banner.ts";
import { inAnyCidr, parseCidr, parseIp, type Cidr } from "./core/cidr.ts";
import { choice, cidrs, domains, duration, flag, integer, nodes, optionalText, pattern, receiverUrl, secret, storage, text, token } from "./config-fields.ts";
import type { BannerPosition, Policy } from "./core/model.ts";

export type StorageSpec =
  | { kind: "memory" }
  | { kind: "fs"; dir: string }
  | { kind: "redis"; url: string }
  | { kind: "deno-kv"; path: string }
  | { kind: "kv" }
  | { kind: "durable-object" };

export interface Config {
  port: number;
  host: string;
  nodes: CmsNode[];
  cms: {
    username: string;
    password: string;
    caFile?: string;
    tlsInsecure: boolean;
    accessClientId?: string;
    accessClientSecret?: string;
    timeoutMs: number;
    /** GET each call before writing to it, so an operator's fresh message is never overwritten. */
    readBeforeWrite: boolean;
  };
  storage: StorageSpec;
  reconcileIntervalS: number;
  /** Cap of the backoff between attempts to write a meeting's banner. */
  applyRetryMaxS: number;
  policy: Policy;
  logLevel: LogLevel;
  maxBodyBytes: number;
  security: SecurityConfig;
  auditRetentionDays: number;
  /** The receiver URI CMS posts to, `{node}` standing for each node's name; for the CLI. */
  cdrReceiverUrl?: string;
}

export interface SecurityConfig {
  /** CDR batches must carry `?token=<cdrToken>`. */
  cdrToken?: string;
  /** CDR batches only from these ranges; empty = from anywhere. */
  cdrAllow: Cidr[];
  /** The page, /api/*, /metrics and /events need it. */
  adminToken?: string;
  /** Proxies whose X-Forwarded-For is believed; empty = the header is never read. */
  trustedProxies: Cidr[];
}

export type LogLevel = "debug" | "info" | "warn" | "error";

const EnvSchema = v.object({
  PORT: integer(5000, 0, 65535),
  HOST: text("0.0.0.0"),
  CMS_NODES: nodes,
  CMS_USERNAME: secret,
  CMS_PASSWORD: secret,
  CMS_CA_FILE: optionalText,
  CMS_TLS_INSECURE: flag(false),
  CMS_ACCESS_CLIENT_ID: optionalText,
  CMS_ACCESS_CLIENT_SECRET: optionalText,
  CMS_TIMEOUT_MS: integer(10_000, 100, 300_000),
  CMS_READ_BEFORE_WRITE: flag(false),
  STORAGE: storage,
  RECONCILE_INTERVAL_S: integer(60, 0, 86_400),
  APPLY_RETRY_MAX_S: integer(60, 1, 3600),
  RESTRICTED_PATTERN: pattern,
  INTERNAL_DOMAINS: domains,
  SECURE_DOMAINS: domains,
  BANNER_MODE: choice(["external", "levels"], "external"),
  BANNER_TEXT_RESTRICTED_EXTERNAL: text(defaultTexts.restrictedExternal),
  BANNER_TEXT_RESTRICTED: text(defaultTexts.restricted),
  BANNER_TEXT_EXTERNAL: text(defaultTexts.external),
  BANNER_TEXT_LEVEL_3: text(defaultTexts.level3),
  BANNER_TEXT_LEVEL_2: text(defaultTexts.level2),
  BANNER_TEXT_LEVEL_1: text(defaultTexts.level1),
  BANNER_POSITION: choice<BannerPosition>(["top", "middle", "bottom"], "bottom"),
  BANNER_DURATION: duration,
  LOG_LEVEL: choice<LogLevel>(["debug", "info", "warn", "error"], "info"),
  MAX_BODY_BYTES: integer(5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
  CDR_TOKEN: token("it goes in the receiver URI's query string"),
  CDR_ALLOW: cidrs,
  ADMIN_TOKEN: token("it is sent as a bearer token"),
  TRUSTED_PROXIES: cidrs,
  AUDIT_RETENTION_DAYS: integer(30, 1, 3650),
  CDR_RECEIVER_URL: receiverUrl,
});

/** The names the schema knows; anything else in the environment is none of our business. */
export const settingNames = Object.keys(EnvSchema.entries);

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

export function loadConfig(env: Record<string, string | undefined>): ConfigResult {
  const input: Record<string, string> = {};
  for (const name of settingNames) {
    const value = env[name];
    if (value !== undefined && value !== "") input[name] = value;
  }
  const parsed = v.safeParse(EnvSchema, input);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.issues.map((i) => `${v.getDotPath(i) ?? "config"}: ${describe(i)}`),
    };
  }
  const e = parsed.output;
  const errors: string[] = [];
  if (Boolean(e.CMS_ACCESS_CLIENT_ID) !== Boolean(e.CMS_ACCESS_CLIENT_SECRET)) {
    errors.push("CMS_ACCESS_CLIENT_ID and CMS_ACCESS_CLIENT_SECRET: set both or neither");
  }
  if (e.CMS_CA_FILE && e.CMS_TLS_INSECURE) {
    errors.push("CMS_TLS_INSECURE: cannot be true while CMS_CA_FILE is set; trust the CA instead");
  }
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    config: {
      port: e.PORT,
      host: e.HOST,
      nodes: e.CMS_NODES,
      cms: {
        username: e.CMS_USERNAME,
        password: e.CMS_PASSWORD,
        caFile: e.CMS_CA_FILE,
        tlsInsecure: e.CMS_TLS_INSECURE,
        accessClientId: e.CMS_ACCESS_CLIENT_ID,
        accessClientSecret: e.CMS_ACCESS_CLIENT_SECRET,
        timeoutMs: e.CMS_TIMEOUT_MS,
        readBeforeWrite: e.CMS_READ_BEFORE_WRITE,
      },
      storage: e.STORAGE,
      reconcileIntervalS: e.RECONCILE_INTERVAL_S,
      applyRetryMaxS: e.APPLY_RETRY_MAX_S,
      policy: {
        mode: e.BANNER_MODE,
        restrictedPattern: e.RESTRICTED_PATTERN,
        internalDomains: e.INTERNAL_DOMAINS,
        secureDomains: e.SECURE_DOMAINS,
        texts: {
          restrictedExternal: e.BANNER_TEXT_RESTRICTED_EXTERNAL,
          restricted: e.BANNER_TEXT_RESTRICTED,
          external: e.BANNER_TEXT_EXTERNAL,
          level3: e.BANNER_TEXT_LEVEL_3,
          level2: e.BANNER_TEXT_LEVEL_2,
          level1: e.BANNER_TEXT_LEVEL_1,
        },
        position: e.BANNER_POSITION,
        duration: e.BANNER_DURATION,
      },
      logLevel: e.LOG_LEVEL,
      maxBodyBytes: e.MAX_BODY_BYTES,
      security: {
        cdrToken: e.CDR_TOKEN,
        cdrAllow: e.CDR_ALLOW,
        adminToken: e.ADMIN_TOKEN,
        trustedProxies: e.TRUSTED_PROXIES,
      },
      auditRetentionDays: e.AUDIT_RETENTION_DAYS,
      cdrReceiverUrl: e.CDR_RECEIVER_URL,
    },
  };
}

/** Every secret value of the configuration, for the log masker of each runtime entry. */
export function secretsOf(config: Config): (string | undefined)[] {
  return [config.cms.password, config.cms.accessClientSecret, config.security.cdrToken, config.security.adminToken];
}

const LOOPBACK = [parseCidr("127.0.0.0/8")!, parseCidr("::1/128")!];

export function isLoopbackHost(host: string): boolean {
  return host.toLowerCase() === "localhost" || (parseIp(host) !== undefined && inAnyCidr(host, LOOPBACK));
}

/** What an entry should warn about at start-up: settings that work but leave a door open. */
export function configWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (config.cms.tlsInsecure) {
    warnings.push("CMS_TLS_INSECURE=true: the CMS API certificate is NOT verified; anyone on the path can read the API password");
  }
  if (!config.security.adminToken && !isLoopbackHost(config.host)) {
    warnings.push(`listening on ${config.host} without ADMIN_TOKEN: anyone who reaches this port can see the status page, the audit trail and /metrics`);
  }
  if (!config.security.cdrToken && config.security.cdrAllow.length === 0 && !isLoopbackHost(config.host)) {
    warnings.push("neither CDR_TOKEN nor CDR_ALLOW is set: anyone who reaches this port can post CDRs");
  }
  return warnings;
}

/** Never echo a secret's value back in an error; other settings are quoted to help the operator. */
function describe(issue: v.BaseIssue<unknown>): string {
  return issue.message.startsWith("Invalid type") ? "is required" : issue.message;
}
