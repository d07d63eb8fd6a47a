/**
 * Ids as the store writes them, in key names and in documents. CMS ids are lowercase UUIDs, and a
 * live meeting's state holds about twenty of them (the call id in four places, each leg id twice,
 * the correlator twice, the coSpace). Written as the 16 bytes they are, 22 characters of
 * base64url instead of 36, they save about 250 bytes per meeting, a quarter of the budget.
 *
 * Ids are compared as strings everywhere, so unpacking must give back exactly the id that was
 * packed. Only a canonical lowercase UUID is packed; any other id is written as it is, behind a
 * "~" when it could be taken for a packed one, or when unstorage would not read it back as the
 * same string (a pointer's value is stored as bare text, which unstorage reads through destr:
 * "123" would come back as a number). base64url needs no escaping in unstorage keys (no `:`, `/`
 * or `?`), in the fs store's file names, in Redis or in Deno KV. It is case-sensitive: on a
 * case-insensitive file system two packed ids could name one file, at odds of about 10^-32 per pair.
 */

// What destr turns into something other than the same string: JSON, numbers and a few words.
// A packed id is never one of them: it ends in a letter and is too long for the words.
const READ_AS_OTHER = /^\s*(["[{]|(-?\d{1,16}(\.\d{1,17})?([Ee][+-]?\d+)?|true|false|null|undefined|nan|-?infinity)\s*$)/i;
const ESCAPE = "~";
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const HEX_DIGITS = "0123456789abcdef";
const NONE = 255;
// Lookup tables and one pass per id, no regular expression: ids are packed and unpacked on every
// read and write of call state.
const SIX_BITS = new Uint8Array(128).fill(NONE);
for (let i = 0; i < 64; i++) SIX_BITS[ALPHABET.charCodeAt(i)] = i;
const NIBBLE = new Uint8Array(128).fill(NONE);
for (let i = 0; i < 16; i++) NIBBLE[HEX_DIGITS.charCodeAt(i)] = i;
const DASH = 45;
const isDashAt = (i: number) => i === 8 || i === 13 || i === 18 || i === 23;
const packedChars = new Uint16Array(22);
const uuidChars = new Uint16Array(36);

export function packId(id: string): string {
  return packUuid(id) ?? (looksPacked(id) || id.startsWith(ESCAPE) || READ_AS_OTHER.test(id) ? ESCAPE + id : id);
}

export function unpackId(stored: string): string {
  if (stored.startsWith(ESCAPE)) return stored.slice(1);
  return unpackUuid(stored) ?? stored;
}

/** 16 bytes in 22 characters of base64url; undefined unless `id` is a canonical lowercase UUID. */
function packUuid(id: string): string | undefined {
  if (id.length !== 36) return undefined;
  let acc = 0;
  let bits = 0;
  let out = 0;
  for (let i = 0; i < 36; i++) {
    const code = id.charCodeAt(i);
    if (isDashAt(i)) {
      if (code !== DASH) return undefined;
      continue;
    }
    const nibble = code < 128 ? NIBBLE[code]! : NONE;
    if (nibble === NONE) return undefined;
    acc = (acc << 4) | nibble;
    bits += 4;
    if (bits >= 6) {
      bits -= 6;
      packedChars[out++] = ALPHABET.charCodeAt((acc >> bits) & 63);
      acc &= (1 << bits) - 1;
    }
  }
  // 128 bits: 21 full characters and 2 bits left, written as the top of the 22nd.
  packedChars[out] = ALPHABET.charCodeAt(acc << (6 - bits));
  return String.fromCharCode.apply(null, packedChars as unknown as number[]);
}

/** The UUID a packed id stands for; undefined unless `stored` is one packUuid could have written. */
function unpackUuid(stored: string): string | undefined {
  if (stored.length !== 22) return undefined;
  let acc = 0;
  let bits = 0;
  let out = 0;
  for (let i = 0; i < 22; i++) {
    const code = stored.charCodeAt(i);
    const six = code < 128 ? SIX_BITS[code]! : NONE;
    if (six === NONE) return undefined;
    acc = (acc << 6) | six;
    bits += 6;
    while (bits >= 4 && out < 36) {
      bits -= 4;
      if (isDashAt(out)) uuidChars[out++] = DASH;
      uuidChars[out++] = HEX_DIGITS.charCodeAt((acc >> bits) & 15);
    }
    acc &= (1 << bits) - 1;
  }
  // The 4 bits after the 128th are zero in a packed id; anything else is an id of another kind.
  return acc === 0 ? String.fromCharCode.apply(null, uuidChars as unknown as number[]) : undefined;
}

/** What unpackUuid would read as a UUID: such an id, when it is not one, needs the escape. */
function looksPacked(id: string): boolean {
  return unpackUuid(id) !== undefined;
}
