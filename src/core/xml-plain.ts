/**
 * Whether a body is plain XML: the narrow form every CMS batch takes, which is well-formed by
 * construction of this check. A plain body skips fast-xml-parser's XMLValidator, which costs as
 * much as a third of the parse (docs/performance.md); any other body, well-formed or not, still
 * goes through the validator, which accepts or refuses it and says why.
 *
 * Plain means: an optional `<?xml …?>` declaration, then one element and nothing but whitespace
 * around it. Names are ASCII (`[A-Za-z_][A-Za-z0-9._-]*`), every end tag closes the element it
 * should, an element repeats no attribute, values are quoted, and `&` starts only one of the five
 * predefined or a numeric reference. No comments, CDATA, processing instructions, namespaces,
 * control characters or `]]>`: a body with any of them is not wrong, only not plain.
 *
 * The check must never call plain what the validator would refuse (the converse only costs
 * time); tests/core/xml-plain.test.ts holds it to that over many mutated batches.
 */

import { AMP, DQUOTE, EQ, GT, HASH, LT, RSQB, SEMI, SLASH, SQUOTE } from "./xml-chars.ts";

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
const isNameStart = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
const isNameChar = (c: number) => isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
/** Below space, only tab, newline and carriage return may appear in XML 1.0; none of the others here. */
const isControl = (c: number) => (c < 0x20 && !isSpace(c)) || c === 0x7f;

const NAMED = ["lt;", "gt;", "amp;", "quot;", "apos;"];

// The helpers take the body and an index and return an index, rather than being closures over
// them: a closure made on every call costs an allocation (and, run through tsx, a __name call),
// which showed in profiles of every CDR batch and CMS reply.

function skipSpace(body: string, i: number): number {
  while (i < body.length && isSpace(body.charCodeAt(i))) i++;
  return i;
}

/** Index past the name at `at`, or -1 when none starts there. */
function nameEnd(body: string, at: number): number {
  const n = body.length;
  if (at >= n || !isNameStart(body.charCodeAt(at))) return -1;
  let j = at + 1;
  while (j < n && isNameChar(body.charCodeAt(j))) j++;
  return j;
}

/** Index past the reference whose `&` is at `at`, or -1 when it is not one of ours. */
function referenceEnd(body: string, at: number): number {
  if (body.charCodeAt(at + 1) === HASH) {
    let j = at + 2;
    const hex = body.charCodeAt(j) === 0x78;
    if (hex) j++;
    const digitsFrom = j;
    while (j < body.length && j - digitsFrom < 8 && isDigit(body.charCodeAt(j), hex)) j++;
    return j > digitsFrom && body.charCodeAt(j) === SEMI ? j + 1 : -1;
  }
  for (const name of NAMED) if (body.startsWith(name, at + 1)) return at + 1 + name.length;
  return -1;
}

/** Character data from `at` up to the next `<` (or `until`, a quote): index of that stop, or -1. */
function textEnd(body: string, at: number, until: number): number {
  const n = body.length;
  let j = at;
  while (j < n) {
    const c = body.charCodeAt(j);
    if (c === until || c === LT) return j;
    if (c === AMP) {
      j = referenceEnd(body, j);
      if (j === -1) return -1;
      continue;
    }
    if (isControl(c) || (c === GT && body.charCodeAt(j - 1) === RSQB && body.charCodeAt(j - 2) === RSQB)) return -1;
    j++;
  }
  return j;
}

export function isPlainXml(body: string): boolean {
  const n = body.length;
  let i = 0;
  if (body.startsWith("<?xml", 0) && isSpace(body.charCodeAt(5))) {
    const end = body.indexOf("?>", 6);
    if (end === -1) return false;
    for (let j = 6; j < end; j++) if (isControl(body.charCodeAt(j)) || body.charCodeAt(j) === LT) return false;
    i = end + 2;
  }
  i = skipSpace(body, i);
  const open: string[] = [];
  /** The attribute names of the start tag being read: one array for the whole body. */
  const attributes: string[] = [];
  let rootSeen = false;
  while (i < n) {
    if (body.charCodeAt(i) !== LT) {
      // Text: only inside the root element.
      if (open.length === 0) return false;
      i = textEnd(body, i, LT);
      if (i === -1) return false;
      continue;
    }
    if (body.charCodeAt(i + 1) === SLASH) {
      const name = open.pop();
      // The open element's name, and not the start of a longer one.
      if (name === undefined || !body.startsWith(name, i + 2) || isNameChar(body.charCodeAt(i + 2 + name.length))) return false;
      i += 2 + name.length;
      i = skipSpace(body, i);
      if (body.charCodeAt(i) !== GT) return false;
      i++;
      if (open.length === 0) break;
      continue;
    }
    if (open.length === 0 && rootSeen) return false;
    const end = nameEnd(body, i + 1);
    if (end === -1) return false;
    const name = body.slice(i + 1, end);
    i = end;
    attributes.length = 0;
    for (;;) {
      const before = i;
      i = skipSpace(body, i);
      const c = body.charCodeAt(i);
      if (c === GT || (c === SLASH && body.charCodeAt(i + 1) === GT)) break;
      // An attribute needs the space before it.
      if (i === before) return false;
      const attrEnd = nameEnd(body, i);
      if (attrEnd === -1) return false;
      const attr = body.slice(i, attrEnd);
      if (attributes.includes(attr)) return false;
      attributes.push(attr);
      i = attrEnd;
      i = skipSpace(body, i);
      if (body.charCodeAt(i) !== EQ) return false;
      i++;
      i = skipSpace(body, i);
      const quote = body.charCodeAt(i);
      if (quote !== DQUOTE && quote !== SQUOTE) return false;
      const valueEnd = textEnd(body, i + 1, quote);
      if (valueEnd === -1 || valueEnd >= n || body.charCodeAt(valueEnd) !== quote) return false;
      i = valueEnd + 1;
    }
    rootSeen = true;
    if (body.charCodeAt(i) === SLASH) {
      i += 2;
      if (open.length === 0) break;
    } else {
      open.push(name);
      i++;
    }
  }
  if (open.length > 0 || !rootSeen) return false;
  i = skipSpace(body, i);
  return i === n;
}

function isDigit(c: number, hex: boolean): boolean {
  return (c >= 0x30 && c <= 0x39) || (hex && ((c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)));
}
