/**
 * Cheap checks on an untrusted XML body before any parser sees it.
 *
 * CDR bodies come from the network. Entity declarations are how XML bombs and external-entity
 * reads work, and CMS never sends them, so any DOCTYPE or ENTITY is refused outright. Nesting is
 * measured by a linear scan with a counter, never by recursion, so a 10,000-deep document is
 * refused in microseconds instead of reaching a parser that might recurse on it.
 */

import { BANG, DQUOTE, GT, QUESTION, SLASH, SQUOTE } from "./xml-chars.ts";

export type GuardResult =
  | { ok: true; /** Name of the document element, as written. */ root: string | undefined }
  | { ok: false; reason: string };

const DECLARATION = /<!(?:doctype|entity)/i;

export function guardXml(body: string, maxDepth: number): GuardResult {
  if (DECLARATION.test(body)) {
    return { ok: false, reason: "DOCTYPE and ENTITY declarations are not accepted" };
  }
  return scanNesting(body, maxDepth);
}

/**
 * Walks the markup once, counting open elements. Anything unterminated stops the scan quietly:
 * the well-formedness check that follows reports it with a line number.
 */
function scanNesting(body: string, maxDepth: number): GuardResult {
  let depth = 0;
  let roots = 0;
  let root: string | undefined;
  let i = body.indexOf("<");
  while (i !== -1) {
    const next = body.charCodeAt(i + 1);
    let end: number;
    if (next === QUESTION) {
      end = endOf(body, "?>", i + 2);
    } else if (next === BANG) {
      if (body.startsWith("<!--", i)) end = endOf(body, "-->", i + 4);
      else if (body.startsWith("<![CDATA[", i)) end = endOf(body, "]]>", i + 9);
      else end = endOf(body, ">", i + 2);
    } else if (next === SLASH) {
      depth--;
      end = endOf(body, ">", i + 2);
    } else {
      end = startTagEnd(body, i + 1);
      if (end === -1) break;
      if (depth === 0) {
        roots++;
        if (roots > 1) return { ok: false, reason: "not well-formed XML: more than one root element" };
        root = tagName(body, i + 1, end);
      }
      if (body.charCodeAt(end - 2) !== SLASH) {
        depth++;
        if (depth > maxDepth) {
          return { ok: false, reason: `elements nested deeper than ${maxDepth} levels` };
        }
      }
    }
    if (end === -1) break;
    i = body.indexOf("<", end);
  }
  return { ok: true, root };
}

/** Index just past `terminator`, or -1 when it never comes. */
function endOf(body: string, terminator: string, from: number): number {
  const at = body.indexOf(terminator, from);
  return at === -1 ? -1 : at + terminator.length;
}

/** Index just past the `>` closing a start tag; a `>` inside a quoted attribute value does not count. */
function startTagEnd(body: string, from: number): number {
  for (let j = from; j < body.length; j++) {
    const c = body.charCodeAt(j);
    if (c === GT) return j + 1;
    if (c === DQUOTE || c === SQUOTE) {
      j = body.indexOf(c === DQUOTE ? '"' : "'", j + 1);
      if (j === -1) return -1;
    }
  }
  return -1;
}

/** The element name, cut short because it ends up in a reason that is logged. */
function tagName(body: string, from: number, end: number): string {
  const limit = Math.min(end, from + 64);
  let j = from;
  while (j < limit && !/[\s/>]/.test(body[j]!)) j++;
  return body.slice(from, j);
}
