/**
 * Comparing secrets and minting the console's session cookie, with WebCrypto only (Node, Deno and
 * workerd all have it). Both sides of a comparison are hashed first, so the comparison runs over
 * two 32-byte digests: its time depends on neither the secret's length nor where they differ.
 */
const encoder = new TextEncoder();

async function sha256(s: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(s)));
}

export async function sameSecret(given: string | undefined, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(given ?? ""), sha256(expected)]);
  let diff = given === undefined ? 1 : 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Bearer token from an Authorization header; undefined for any other scheme. */
export function bearerOf(header: string | undefined): string | undefined {
  const m = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header ?? "");
  return m?.[1];
}

export const SESSION_COOKIE = "cms_notify_session";
export const SESSION_SECONDS = 12 * 60 * 60;

const hmacKey = (secret: string) =>
  crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);

const toHex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, "0")).join("");
const fromHex = (s: string) => new Uint8Array((s.match(/../g) ?? []).map((h) => parseInt(h, 16)));

/**
 * `<expiry>.<HMAC(ADMIN_TOKEN, expiry)>`: the token itself never sits in the browser, any instance
 * sharing the token can check the cookie without shared session state, and changing ADMIN_TOKEN
 * ends every session.
 */
export async function mintSession(adminToken: string, nowMs: number): Promise<string> {
  const expiry = Math.floor(nowMs / 1000) + SESSION_SECONDS;
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(adminToken), encoder.encode(`session:${expiry}`));
  return `${expiry}.${toHex(mac)}`;
}

export async function validSession(cookie: string | undefined, adminToken: string, nowMs: number): Promise<boolean> {
  const m = /^(\d{1,12})\.([0-9a-f]{64})$/.exec(cookie ?? "");
  if (!m || Number(m[1]) * 1000 <= nowMs) return false;
  // subtle.verify compares in constant time.
  return crypto.subtle.verify("HMAC", await hmacKey(adminToken), fromHex(m[2]!), encoder.encode(`session:${m[1]}`));
}
