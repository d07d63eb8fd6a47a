/**
 * Reading CMS API XML. Values stay strings (ids like "007" and parties like "+4670…" must not
 * turn into numbers), list items are always arrays (one call must not look different from two),
 * and element names are matched case-insensitively: CMS spells `subType` and `subtype` both ways
 * across versions and sources (DOMAIN §10.3).
 */
import { XMLParser } from "fast-xml-parser";
import { ownString } from "../core/own-string.ts";
import { readPlainXml, type PlainShape } from "../core/xml-plain.ts";
import { orderedToObject } from "../core/xml-tree.ts";
import { UnusableReply } from "./errors.ts";

export type XmlElement = Record<string, unknown>;

export class XmlError extends UnusableReply {
  override name = "XmlError";
}

const ATTR = "@";

// List element → its item element, lower-cased: items that must always come back as arrays.
const itemOfList = new Map([
  ["calls", "call"],
  ["calllegs", "callleg"],
  ["callbridges", "callbridge"],
  ["cdrreceivers", "cdrreceiver"],
]);

// A reply in the plain form (core/xml-plain.ts: every reply CMS sends) is read by readPlainXml
// alone. Any other goes to fast-xml-parser with its validator: without it the parser closes
// whatever tag is open at any `</…>` and returns what it read of a cut-short body, so a reply
// that is not well-formed would come back as plausible data. The library's ordered tree is
// turned into objects by core/xml-tree.ts, the form readPlainXml gives too; the declaration is
// not kept as a `?xml` key.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: ATTR,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  preserveOrder: true,
  // Callbacks (the value processors) get the parser's path object, not a path string built for every value.
  jPath: false,
});

/** The items of a known list (`<calls><call/>…`), one level under the root. */
export function isListItem(name: string, depth: number, root: string): boolean {
  return depth === 2 && itemOfList.get(root.toLowerCase()) === name.toLowerCase();
}

export const plainShape: PlainShape = { attributePrefix: ATTR, lowerCaseNames: false, listItem: isListItem };

/** Parses a whole document and returns its root element, checking the root's name if given. */
export function parseXml(body: string, expectedRoot?: string): { name: string; root: XmlElement } {
  let doc: XmlElement;
  try {
    doc = readPlainXml(body, plainShape) ?? orderedToObject(parser.parse(body, true), isListItem);
  } catch (err) {
    throw new XmlError(`not well-formed XML: ${(err as Error).message}`, { cause: err });
  }
  const name = Object.keys(doc)[0];
  if (name === undefined) throw new XmlError("no root element");
  if (expectedRoot !== undefined && name.toLowerCase() !== expectedRoot.toLowerCase()) {
    throw new XmlError(`root element <${name}>, expected <${expectedRoot}>`);
  }
  return { name, root: asElement(doc[name]) };
}

/** An element with no attributes and no children parses to "" — treat it as an empty element. */
function asElement(value: unknown): XmlElement {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as XmlElement;
  if (typeof value === "string" && value !== "") return { "#text": value };
  return {};
}

function lookup(el: XmlElement, name: string): unknown {
  // CMS mostly spells names as we do: one property read, and only a miss pays for the scan.
  if (Object.hasOwn(el, name)) return el[name];
  const wanted = name.toLowerCase();
  for (const key of Object.keys(el)) {
    if (key.toLowerCase() === wanted) return el[key];
  }
  return undefined;
}

/** The child element `name`, or undefined; if it repeats, the first one. */
export function child(el: XmlElement, name: string): XmlElement | undefined {
  const value = lookup(el, name);
  if (value === undefined) return undefined;
  return asElement(Array.isArray(value) ? value[0] : value);
}

/** Every `name` child, in document order. */
export function children(el: XmlElement, name: string): XmlElement[] {
  const value = lookup(el, name);
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(asElement);
}

/** The text of child `name`: "" for `<name/>`, undefined when the child is absent. A copy of its own, not a slice of the reply (core/own-string.ts). */
export function text(el: XmlElement, name: string): string | undefined {
  const value = lookup(el, name);
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  if (typeof first === "string") return ownString(first);
  const inner = asElement(first)["#text"];
  return typeof inner === "string" ? ownString(inner) : "";
}

/** The attribute `name` of an element. */
export function attr(el: XmlElement, name: string): string | undefined {
  const value = lookup(el, ATTR + name);
  return typeof value === "string" ? ownString(value) : undefined;
}

/** `true`/`false` element text as a boolean; anything else (or absence) is undefined. */
export function flag(el: XmlElement, name: string): boolean | undefined {
  const value = text(el, name)?.toLowerCase();
  return value === "true" ? true : value === "false" ? false : undefined;
}

/** The reason code of a `<failureDetails>` body, e.g. "callDoesNotExist"; undefined otherwise. */
export function failureDetail(body: string): string | undefined {
  if (!/<failureDetails/i.test(body)) return undefined;
  try {
    const { root } = parseXml(body, "failureDetails");
    return Object.keys(root).find((key) => !key.startsWith(ATTR) && key !== "#text");
  } catch {
    // A garbled error body still has its status, which then decides the error kind alone.
    return undefined;
  }
}
