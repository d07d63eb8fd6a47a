/**
 * The field types of the configuration schema: each turns one setting's string into a typed
 * value, or into an issue whose message says what is wrong (config.ts prefixes the setting name).
 */
import * as v from "valibot";
import type { CmsNode } from "./cms/client.ts";
import { parseCidr, type Cidr } from "./core/cidr.ts";
import type { BannerDuration } from "./core/model.ts";
import type { StorageSpec } from "./config.ts";

/** Node names become storage keys and URL segments; `_` is reserved for unresolved sources. */
const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export const text = (fallback: string) => v.optional(v.string(), fallback);

export const integer = (fallback: number, min: number, max: number) =>
  v.pipe(
    v.optional(v.string(), String(fallback)),
    v.regex(/^\d+$/, "must be a whole number"),
    v.transform(Number),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  );

export const flag = (fallback: boolean) =>
  v.pipe(
    v.optional(v.string(), String(fallback)),
    v.transform((s) => s.trim().toLowerCase()),
    v.picklist(["true", "false", "1", "0", "yes", "no"], "must be true or false"),
    v.transform((s) => s === "true" || s === "1" || s === "yes"),
  );

export const choice = <T extends string>(options: readonly [T, ...T[]], fallback: T) =>
  v.pipe(
    v.optional(v.string(), fallback),
    v.transform((s) => s.trim()),
    v.picklist(options, `must be one of ${options.join(", ")}`),
  );

export const secret = v.pipe(v.string("is required"), v.minLength(1, "is required"));
export const optionalText = v.pipe(
  v.optional(v.string()),
  v.transform((s) => (s?.trim() ? s.trim() : undefined)),
);

const list = (s: string | undefined) =>
  (s ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

export const domains = v.pipe(
  v.optional(v.string(), ""),
  v.transform((s) => list(s).map((d) => d.toLowerCase().replace(/^\*?\./, ""))),
  v.check((ds) => ds.every((d) => DOMAIN.test(d)), "must be a comma list of domain names such as corp.example"),
);

export const nodes = v.pipe(
  v.string("is required: a comma list of name=https://host:port"),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const out: CmsNode[] = [];
    for (const item of list(dataset.value)) {
      const node = parseNode(item, out.length);
      if (typeof node === "string") {
        addIssue({ message: node });
        return NEVER;
      }
      if (out.some((n) => n.name === node.name)) {
        addIssue({ message: `node name "${node.name}" is used twice` });
        return NEVER;
      }
      out.push(node);
    }
    if (out.length === 0) {
      addIssue({ message: "is required: a comma list of name=https://host:port" });
      return NEVER;
    }
    return out;
  }),
);

function parseNode(item: string, index: number): CmsNode | string {
  const eq = item.indexOf("=");
  const named = eq > 0 && !item.slice(0, eq).includes("/");
  const rawUrl = named ? item.slice(eq + 1).trim() : item;
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return `"${rawUrl}" is not a URL (expected https://host:port)`;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return `"${rawUrl}" must start with https://`;
  if (url.username || url.password) return `"${url.host}" must not carry credentials; use CMS_USERNAME/CMS_PASSWORD`;
  const name = named ? item.slice(0, eq).trim() : `${url.hostname.replace(/[^A-Za-z0-9-]/g, "-")}` || `node${index + 1}`;
  if (!NODE_NAME.test(name)) return `node name "${name}" may only use letters, digits and "-"`;
  return { name, baseUrl: url.origin };
}

/**
 * A token is compared in constant time and travels in a URL query or a header, so: long enough
 * not to be guessed, and only characters that need no escaping. The value is never quoted back.
 */
export const token = (use: string) =>
  v.pipe(
    v.optional(v.string()),
    v.transform((s) => (s?.trim() ? s.trim() : undefined)),
    v.check(
      (s) => s === undefined || /^[A-Za-z0-9._~-]{16,256}$/.test(s),
      `must be 16 to 256 characters of A-Z a-z 0-9 . _ ~ - (${use}); e.g. the output of \`openssl rand -hex 24\``,
    ),
  );

export const cidrs = v.pipe(
  v.optional(v.string(), ""),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const out: Cidr[] = [];
    for (const item of list(dataset.value)) {
      const range = parseCidr(item);
      if (!range) {
        addIssue({ message: `"${item}" is not an IP address or CIDR range (such as 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32)` });
        return NEVER;
      }
      out.push(range);
    }
    return out;
  }),
);

export const receiverUrl = v.pipe(
  v.optional(v.string()),
  v.transform((s) => (s?.trim() ? s.trim() : undefined)),
  v.check((s) => s === undefined || /^https?:\/\/[^\s/?#]+/.test(s), "must be an http:// or https:// URL such as https://banner.corp.example:8443/cdr/{node}"),
  v.check((s) => s === undefined || !/[?&]token=/.test(s), "must not carry ?token= itself: it is added from CDR_TOKEN"),
);

export const storage = v.pipe(
  v.optional(v.string(), "fs:./data"),
  v.rawTransform(({ dataset, addIssue, NEVER }): StorageSpec => {
    const s = dataset.value.trim();
    if (s === "memory") return { kind: "memory" };
    if (s === "kv") return { kind: "kv" };
    if (s === "durable-object") return { kind: "durable-object" };
    if (s.startsWith("fs:") && s.length > 3) return { kind: "fs", dir: s.slice(3) };
    if (s.startsWith("deno-kv:") && s.length > 8) return { kind: "deno-kv", path: s.slice(8) };
    if (/^rediss?:\/\//.test(s)) return { kind: "redis", url: s };
    addIssue({ message: `"${s}" is not a store: use memory, fs:<dir>, redis://host:port/db, deno-kv:<file>, kv or durable-object` });
    return NEVER;
  }),
);

export const pattern = v.pipe(
  v.optional(v.string(), "\\brestricted\\b"),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    try {
      return new RegExp(dataset.value, "iu");
    } catch (err) {
      addIssue({ message: `is not a valid regular expression (${(err as Error).message})` });
      return NEVER;
    }
  }),
);

export const duration = v.pipe(
  v.optional(v.string(), "permanent"),
  v.transform((s) => s.trim().toLowerCase()),
  v.check((s) => s === "permanent" || /^[1-9]\d{0,5}$/.test(s), "must be permanent or a number of seconds"),
  v.transform((s): BannerDuration => (s === "permanent" ? "permanent" : Number(s))),
);
