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
 * or `?`), in the fs store's file names, in Redis or in Deno KV.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// 128 bits in 22 characters leave the last one 4 zero bits: only A, Q, g or w can end a packed id.
const PACKED = /^[A-Za-z0-9_-]{21}[AQgw]$/;
// What destr turns into something other than the same string: JSON, numbers and a few words.
// A packed id is never one of them: it ends in a letter and is too long for the words.
const READ_AS_OTHER = /^\s*(["[{]|(-?\d{1,16}(\.\d{1,17})?([Ee][+-]?\d+)?|true|false|null|undefined|nan|-?infinity)\s*$)/i;
const ESCAPE = "~";
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const VALUE = new Uint8Array(128);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

export function packId(id: string): string {
  if (UUID.test(id)) return uuidToBase64url(id);
  return PACKED.test(id) || id.startsWith(ESCAPE) || READ_AS_OTHER.test(id) ? ESCAPE + id : id;
}

export function unpackId(stored: string): string {
  if (stored.startsWith(ESCAPE)) return stored.slice(1);
  return PACKED.test(stored) ? base64urlToUuid(stored) : stored;
}

function uuidToBase64url(uuid: string): string {
  const hex = uuid.slice(0, 8) + uuid.slice(9, 13) + uuid.slice(14, 18) + uuid.slice(19, 23) + uuid.slice(24);
  let out = "";
  // Five groups of 3 bytes (6 hex digits → 4 characters), then the 16th byte alone.
  for (let i = 0; i < 30; i += 6) {
    const n = parseInt(hex.slice(i, i + 6), 16);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const last = parseInt(hex.slice(30), 16);
  return out + ALPHABET[last >> 2]! + ALPHABET[(last & 3) << 4]!;
}

function base64urlToUuid(packed: string): string {
  const at = (i: number) => VALUE[packed.charCodeAt(i)]!;
  let hex = "";
  for (let i = 0; i < 20; i += 4) {
    const n = (at(i) << 18) | (at(i + 1) << 12) | (at(i + 2) << 6) | at(i + 3);
    hex += n.toString(16).padStart(6, "0");
  }
  hex += ((at(20) << 2) | (at(21) >> 4)).toString(16).padStart(2, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
