/**
 * CONFIG_FILE: YAML or JSON with the same setting names as the environment, flattened to the
 * record of strings that `loadConfig` reads. The original tool's `credentials.yml` (username,
 * password, cms_ips, port) is understood too, so its users can keep their file.
 */
import { parse as parseYaml } from "yaml";

export class ConfigFileError extends Error {
  override name = "ConfigFileError";
}

/** The original's keys. Its `port` is the CMS HTTPS port, not ours, hence the special case. */
const ORIGINAL_KEYS = new Set(["username", "password", "cms_ips", "port"]);

export function parseConfigFile(text: string, fileName: string): Record<string, string> {
  let doc: unknown;
  try {
    // YAML 1.2 is a superset of JSON, so one parser reads both.
    doc = parseYaml(text, { maxAliasCount: 10 });
  } catch (err) {
    throw new ConfigFileError(`CONFIG_FILE ${fileName}: not valid YAML or JSON (${(err as Error).message})`, { cause: err });
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc)) {
    throw new ConfigFileError(`CONFIG_FILE ${fileName}: expected a mapping of setting names to values`);
  }
  const entries = doc as Record<string, unknown>;
  const out: Record<string, string> = {};
  const original = "cms_ips" in entries;
  for (const [key, value] of Object.entries(entries)) {
    if (original && ORIGINAL_KEYS.has(key)) continue;
    out[key.toUpperCase()] = flatten(key, value, fileName);
  }
  if (original) Object.assign(out, fromOriginal(entries, fileName));
  return out;
}

function flatten(key: string, value: unknown, fileName: string): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map((x) => flatten(key, x, fileName)).join(",");
  if (typeof value === "object") {
    throw new ConfigFileError(`CONFIG_FILE ${fileName}: ${key} must be a value or a list, not a mapping`);
  }
  return String(value);
}

function fromOriginal(doc: Record<string, unknown>, fileName: string): Record<string, string> {
  const ips = doc.cms_ips;
  if (!Array.isArray(ips)) throw new ConfigFileError(`CONFIG_FILE ${fileName}: cms_ips must be a list of CMS addresses`);
  const port = doc.port === undefined || doc.port === "" ? "443" : String(doc.port);
  const nodes = ips
    .map((ip) => String(ip ?? "").trim())
    .filter(Boolean)
    .map((ip) => `https://${ip}:${port}`);
  const out: Record<string, string> = { CMS_NODES: nodes.join(",") };
  if (doc.username !== undefined) out.CMS_USERNAME = String(doc.username);
  if (doc.password !== undefined) out.CMS_PASSWORD = String(doc.password);
  return out;
}

/** Environment wins over the file, so one secret can be injected without editing the file. */
export function mergeSettings(file: Record<string, string>, env: Record<string, string | undefined>): Record<string, string | undefined> {
  const merged: Record<string, string | undefined> = { ...file };
  for (const [k, val] of Object.entries(env)) if (val !== undefined && val !== "") merged[k] = val;
  return merged;
}
