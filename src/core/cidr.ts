/**
 * IP addresses and CIDR ranges, IPv4 and IPv6, as plain bytes — for CDR_ALLOW and TRUSTED_PROXIES.
 * No runtime's `net` module: the same code decides on Node, Deno and workerd. An IPv4 address
 * seen through an IPv6 socket (`::ffff:10.0.0.5`) is the IPv4 address, so `10.0.0.0/8` matches it.
 */

export interface Cidr {
  /** 4 bytes for IPv4, 16 for IPv6, already masked to `bits`. */
  bytes: Uint8Array;
  bits: number;
  /** As the operator wrote it, for messages and the page. */
  text: string;
}

export function parseIp(text: string): Uint8Array | undefined {
  let s = text.trim();
  if (s.startsWith("[") && s.endsWith("]")) s = s.slice(1, -1);
  // A zone (fe80::1%eth0) names an interface, not part of the address.
  const zone = s.indexOf("%");
  if (zone !== -1) s = s.slice(0, zone);
  const v4 = parseIpv4(s);
  if (v4) return v4;
  const v6 = parseIpv6(s);
  if (!v6) return undefined;
  return isV4Mapped(v6) ? v6.slice(12) : v6;
}

function parseIpv4(s: string): Uint8Array | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    // No leading zeros: "010" is octal to some parsers and decimal to others.
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return undefined;
    out[i] = Number(p);
  }
  return out;
}

function parseIpv6(s: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || s.split("::").length > 2) return undefined;
  let tail: Uint8Array | undefined;
  let body = s;
  const lastColon = s.lastIndexOf(":");
  if (s.slice(lastColon + 1).includes(".")) {
    tail = parseIpv4(s.slice(lastColon + 1));
    if (!tail) return undefined;
    body = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const [head, rest] = body.split("::") as [string, string | undefined];
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const missing = 8 - left.length - right.length;
  if (rest === undefined ? missing !== 0 : missing < 1) return undefined;
  const all = [...left, ...Array<string>(rest === undefined ? 0 : missing).fill("0"), ...right];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const g = all[i]!;
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    const n = parseInt(g, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  }
  if (tail) out.set(tail, 12);
  return out;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a single address (a /32 or /128). Undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  const ip = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (!ip) return undefined;
  // `::ffff:10.0.0.0/104` was folded to IPv4 above, so its prefix length folds too.
  const wroteV6 = (slash === -1 ? text : text.slice(0, slash)).includes(":");
  const max = wroteV6 ? 128 : 32;
  const rawBits = slash === -1 ? String(max) : text.slice(slash + 1).trim();
  if (!/^\d{1,3}$/.test(rawBits) || Number(rawBits) > max) return undefined;
  let bits = Number(rawBits);
  if (wroteV6 && ip.length === 4) {
    if (bits < 96) return undefined;
    bits -= 96;
  }
  return { bytes: mask(ip, bits), bits, text: text.trim() };
}

function mask(ip: Uint8Array, bits: number): Uint8Array {
  const out = new Uint8Array(ip);
  for (let i = 0; i < out.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    out[i] = out[i]! & (0xff << (8 - keep)) & 0xff;
  }
  return out;
}

export function inCidr(ip: Uint8Array, range: Cidr): boolean {
  if (ip.length !== range.bytes.length) return false;
  const masked = mask(ip, range.bits);
  return masked.every((b, i) => b === range.bytes[i]);
}

export function inAnyCidr(address: string | undefined, ranges: readonly Cidr[]): boolean {
  const ip = address === undefined ? undefined : parseIp(address);
  return ip !== undefined && ranges.some((r) => inCidr(ip, r));
}
