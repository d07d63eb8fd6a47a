/**
 * Plain XML, read in one pass: the narrow form every CMS batch and API reply takes, well-formed by
 * construction of this reader. For a plain body it returns exactly the objects fast-xml-parser
 * and core/xml-tree.ts would have made of it, for the options our two parsers use; for any other
 * body it returns undefined, and the caller hands that body to fast-xml-parser, whose validator
 * accepts or refuses it and says why.
 *
 * Why: fast-xml-parser was the largest single cost of the service. In a profile of the bench's
 * reconcile it took 0.46 ms of the main thread's 2.2 per call, and the conversion and the
 * plainness check another 0.12; reading the same replies here costs a fraction of that
 * (docs/performance.md, "Eighth round"). The library stays the reader of everything else.
 *
 * Plain means: an optional `<?xml …?>` declaration, then one element and nothing but whitespace
 * around it. Names are ASCII (`[A-Za-z_][A-Za-z0-9._-]*`), every end tag closes the element it
 * should, an element repeats no attribute, values are quoted, and `&` starts only one of the five
 * predefined references. No comments, CDATA, processing instructions, namespaces, numeric
 * references, control characters or `]]>`, and no name that is a property of every object
 * (`__proto__`, `constructor`, `toString`…), which the library refuses or renames: a body with any
 * of them is not wrong, only not plain.
 *
 * What it keeps of the library's rules (trimValues on, values left as strings, entities decoded,
 * the declaration dropped): line ends are made `\n` first; each run of text between two tags is
 * trimmed, dropped when empty, and its references decoded; an element's runs are joined under
 * "#text"; attribute values are trimmed and decoded too. The object form is core/xml-tree.ts's.
 *
 * It must never accept what the library's validator refuses, and never return other objects than
 * the library's; tests/core/xml-plain.test.ts holds it to both over many mutated documents.
 */

import type { ListItem } from "./xml-tree.ts";
import { AMP, DQUOTE, EQ, GT, LT, RSQB, SLASH, SQUOTE } from "./xml-chars.ts";
import { namesOf, remember } from "./xml-names.ts";

/** How a parser's options shape the objects: the attribute prefix, name folding, the list rule. */
export interface PlainShape {
  /** Put before an attribute's name: "@" for CMS replies, fast-xml-parser's default "@_" for CDRs. */
  attributePrefix: string;
  /** Element names folded to lower case (the CDR parser's transformTagName). */
  lowerCaseNames: boolean;
  listItem: ListItem;
}

const TEXT = "#text";

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
const isNameStart = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
const isNameChar = (c: number) => isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
/** Below space, only tab, newline and carriage return may appear in XML 1.0; none of the others here. */
const isControl = (c: number) => (c < 0x20 && !isSpace(c)) || c === 0x7f;

/** The five predefined references, without their `&`. */
const NAMED: [string, string][] = [["lt;", "<"], ["gt;", ">"], ["amp;", "&"], ["quot;", '"'], ["apos;", "'"]];

/** Names an object already answers to: as keys they would reach the prototype. */
const INHERITED = new Set([...Object.getOwnPropertyNames(Object.prototype), "prototype"]);

/** One open element: its name as written, its key, and what it holds so far. */
interface Open {
  raw: string;
  key: string;
  children: Record<string, unknown>;
  attributes: Record<string, string> | undefined;
  text: string | undefined;
  /** Distinct child keys, so that closing needs no count of its own. */
  childKeys: number;
}

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

/** Index past the predefined reference whose `&` is at `at`, or -1 when it is not one. */
function referenceEnd(body: string, at: number): number {
  for (const [name] of NAMED) if (body.startsWith(name, at + 1)) return at + 1 + name.length;
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

/** The value of checked character data: line ends made `\n`, trimmed, references decoded. */
function valueOf(body: string, from: number, to: number): string {
  let raw = body.slice(from, to);
  if (raw.includes("\r")) raw = raw.replace(/\r\n?/g, "\n");
  raw = raw.trim();
  let amp = raw.indexOf("&");
  if (amp === -1) return raw;
  let out = "";
  let done = 0;
  while (amp !== -1) {
    const semi = raw.indexOf(";", amp);
    const name = raw.slice(amp + 1, semi + 1);
    out += raw.slice(done, amp) + NAMED.find(([n]) => n === name)![1];
    done = semi + 1;
    amp = raw.indexOf("&", done);
  }
  return out + raw.slice(done);
}

/** What a closed element is worth to its parent: core/xml-tree.ts's `collapse` and attribute rule. */
function valueOfElement(open: Open): unknown {
  const out = open.children;
  if (open.text !== undefined) out[TEXT] = open.text;
  if (open.attributes !== undefined) return Object.assign(out, open.attributes);
  if (open.childKeys === 0) return open.text ?? "";
  return out;
}

/** Adds a child to its parent as xml-tree.ts does: a repeated name becomes an array, a list item always is one. */
function attach(parent: Open, key: string, value: unknown, depth: number, root: string, listItem: ListItem) {
  const children = parent.children;
  if (Object.hasOwn(children, key)) {
    const was = children[key];
    if (Array.isArray(was)) was.push(value);
    else children[key] = [was, value];
    return;
  }
  parent.childKeys++;
  children[key] = listItem(key, depth, root) ? [value] : value;
}

/**
 * Index past the `<?xml …?>` that starts the body, or -1. Its pseudo-attributes (version,
 * encoding, standalone) are read like attributes, with values of name characters only: the
 * library reads them too, and refuses one with an open quote that its validator lets through.
 */
function declarationEnd(body: string): number {
  let i = 5;
  for (;;) {
    const before = i;
    i = skipSpace(body, i);
    if (body.startsWith("?>", i)) return i + 2;
    if (i === before) return -1;
    i = nameEnd(body, i);
    if (i === -1) return -1;
    i = skipSpace(body, i);
    if (body.charCodeAt(i) !== EQ) return -1;
    i = skipSpace(body, i + 1);
    const quote = body.charCodeAt(i);
    if (quote !== DQUOTE && quote !== SQUOTE) return -1;
    let j = i + 1;
    while (j < body.length && isNameChar(body.charCodeAt(j))) j++;
    if (j === i + 1 || body.charCodeAt(j) !== quote) return -1;
    i = j + 1;
  }
}

/**
 * The body as fast-xml-parser and xml-tree.ts would give it (`{ root: … }`), or undefined when it
 * is not plain. `maxDepth`: a body with more elements open at once is not plain either, so that
 * its reader (xml-guard.ts, then the library) is the one that refuses it, and says why.
 */
export function readPlainXml(body: string, shape: PlainShape, maxDepth = Infinity): Record<string, unknown> | undefined {
  const n = body.length;
  let i = 0;
  if (body.startsWith("<?xml", 0)) {
    i = declarationEnd(body);
    if (i === -1) return undefined;
  }
  i = skipSpace(body, i);
  const open: Open[] = [];
  const names = namesOf(shape);
  let root = "";
  let doc: Record<string, unknown> | undefined;
  while (i < n) {
    if (body.charCodeAt(i) !== LT) {
      // Text: only inside the root element.
      const into = open[open.length - 1];
      if (into === undefined) return undefined;
      const end = textEnd(body, i, LT);
      if (end === -1) return undefined;
      const piece = valueOf(body, i, end);
      if (piece !== "") into.text = into.text === undefined ? piece : into.text + piece;
      i = end;
      continue;
    }
    let closed: Open | undefined;
    if (body.charCodeAt(i + 1) === SLASH) {
      closed = open.pop();
      const name = closed?.raw;
      // The open element's name, and not the start of a longer one.
      if (name === undefined || !body.startsWith(name, i + 2) || isNameChar(body.charCodeAt(i + 2 + name.length))) return undefined;
      i = skipSpace(body, i + 2 + name.length);
      if (body.charCodeAt(i) !== GT) return undefined;
      i++;
    } else {
      const end = nameEnd(body, i + 1);
      if (end === -1) return undefined;
      const raw = body.slice(i + 1, end);
      let key = names.elements.get(raw);
      if (key === undefined) {
        key = shape.lowerCaseNames ? raw.toLowerCase() : raw;
        if (INHERITED.has(raw) || INHERITED.has(key)) return undefined;
        remember(names.elements, raw, key);
      }
      if (open.length === 0) root = key;
      const element: Open = { raw, key, children: {}, attributes: undefined, text: undefined, childKeys: 0 };
      i = end;
      for (;;) {
        const before = i;
        i = skipSpace(body, i);
        const c = body.charCodeAt(i);
        if (c === GT || (c === SLASH && body.charCodeAt(i + 1) === GT)) break;
        // An attribute needs the space before it.
        if (i === before) return undefined;
        const attrEnd = nameEnd(body, i);
        if (attrEnd === -1) return undefined;
        const attrRaw = body.slice(i, attrEnd);
        let attrKey = names.attributes.get(attrRaw);
        if (attrKey === undefined) {
          attrKey = shape.attributePrefix + attrRaw;
          if (INHERITED.has(attrKey)) return undefined;
          remember(names.attributes, attrRaw, attrKey);
        }
        const attributes = (element.attributes ??= {});
        if (Object.hasOwn(attributes, attrKey)) return undefined;
        i = skipSpace(body, attrEnd);
        if (body.charCodeAt(i) !== EQ) return undefined;
        i = skipSpace(body, i + 1);
        const quote = body.charCodeAt(i);
        if (quote !== DQUOTE && quote !== SQUOTE) return undefined;
        const valueEnd = textEnd(body, i + 1, quote);
        if (valueEnd === -1 || valueEnd >= n || body.charCodeAt(valueEnd) !== quote) return undefined;
        attributes[attrKey] = valueOf(body, i + 1, valueEnd);
        i = valueEnd + 1;
      }
      if (body.charCodeAt(i) === SLASH) {
        closed = element;
        i += 2;
      } else {
        if (open.length >= maxDepth) return undefined;
        open.push(element);
        i++;
      }
    }
    if (closed === undefined) continue;
    const value = valueOfElement(closed);
    const depth = open.length + 1;
    const parent = open[open.length - 1];
    if (parent !== undefined) {
      attach(parent, closed.key, value, depth, root, shape.listItem);
      continue;
    }
    doc = { [root]: shape.listItem(root, 1, root) ? [value] : value };
    break;
  }
  if (doc === undefined) return undefined;
  return skipSpace(body, i) === n ? doc : undefined;
}
