/**
 * A CDR POST body → a `Batch` (DOMAIN.md §1–2, §8), or a reason to refuse the whole batch.
 *
 * The batch is refused (the caller answers 400) only when nothing in it can be trusted: not XML,
 * hostile XML, the wrong document, bad `<records>` attributes, no records. A single bad record
 * is not a reason to refuse its neighbours: it goes to `rejected` and the rest are kept, because
 * CMS would otherwise re-send the same batch forever.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import * as v from "valibot";
import type { Batch } from "./records.ts";
import { batchAttributes, readRecord } from "./cdr-schema.ts";
import { guardXml } from "./xml-guard.ts";
import { readPlainXml, type PlainShape } from "./xml-plain.ts";
import { orderedToObject } from "./xml-tree.ts";

export interface ParseCdrOptions {
  /** Deepest element nesting accepted; a real CDR (records/record/callLeg/rxVideo/…) stays under 8. */
  maxDepth?: number;
}

export type ParseCdrResult = { ok: true; batch: Batch } | { ok: false; reason: string };

const DEFAULT_MAX_DEPTH = 12;

export function parseCdrBatch(body: string, opts: ParseCdrOptions = {}): ParseCdrResult {
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (body.trim() === "") return refuse("empty body");

  // A plain body (every CMS batch) is read in one pass, well-formed by that reading alone, and
  // safe by it too: it has no declarations (no "<!" at all), one root, and no more than maxDepth
  // elements open. Only the other bodies need the guard's scan of the whole body; the guard, the
  // validator and fast-xml-parser read them, and give every refusal its reason.
  const plain = readPlainXml(body, plainShape, maxDepth);
  if (plain !== undefined && Object.hasOwn(plain, "records")) return readBatch(plain["records"]);

  const guard = guardXml(body, maxDepth);
  if (!guard.ok) return guard;
  if (plain === undefined) {
    const validation = XMLValidator.validate(body);
    if (validation !== true) {
      const { msg, line, col } = validation.err;
      return refuse(`not well-formed XML: ${msg} (line ${line}${col === undefined ? "" : `, column ${col}`})`);
    }
  }
  if (guard.root?.toLowerCase() !== "records") {
    return refuse(`root element is <${guard.root}>, expected <records>`);
  }
  let document: Record<string, unknown>;
  try {
    document = orderedToObject(parserFor(maxDepth).parse(body), isListItem);
  } catch (error) {
    // The validator passed, so this is the parser's own safety net (e.g. an element named __proto__).
    return refuse(`XML refused by the parser: ${error instanceof Error ? error.message : String(error)}`);
  }
  return readBatch(document["records"]);
}

function readBatch(rawRoot: unknown): ParseCdrResult {
  // `<records/>` and `<records>text</records>` parse as strings: a root with nothing in it.
  const root = typeof rawRoot === "object" && rawRoot !== null ? (rawRoot as Record<string, unknown>) : {};
  const attributes = v.safeParse(batchAttributes, root, { abortEarly: true });
  if (!attributes.success) return refuse(attributes.issues[0].message);

  const raws = Array.isArray(root["record"]) ? (root["record"] as unknown[]) : [];
  if (raws.length === 0) return refuse("no <record> elements");

  const batch: Batch = { records: [], rejected: [], ignored: {} };
  if (attributes.output["@_session"] !== undefined) batch.session = attributes.output["@_session"];
  if (attributes.output["@_callBridge"] !== undefined) batch.callBridge = attributes.output["@_callBridge"];

  raws.forEach((raw, i) => {
    const outcome = readRecord(raw);
    if (outcome.kind === "record") batch.records.push(outcome.record);
    else if (outcome.kind === "ignored") batch.ignored[outcome.type] = countOf(batch.ignored, outcome.type) + 1;
    else batch.rejected.push({ position: i + 1, type: outcome.type, reason: outcome.reason });
  });
  return { ok: true, batch };
}

const parsers = new Map<number, XMLParser>();

/** One parser per depth limit, built once: building one costs as much as parsing a record. */
function parserFor(maxDepth: number): XMLParser {
  let parser = parsers.get(maxDepth);
  if (!parser) parsers.set(maxDepth, (parser = newParser(maxDepth)));
  return parser;
}

/**
 * Values stay strings (TOOLCHAIN gotcha 7); element names are folded to lower case so that
 * `subType`/`subtype` read alike (DOMAIN §10.3). Entity processing only ever sees the five
 * predefined XML entities, because declarations were refused before parsing.
 */
function newParser(maxDepth: number): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: true,
    htmlEntities: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    transformTagName: (name) => name.toLowerCase(),
    maxNestedTags: maxDepth + 1,
    // The ordered tree, turned into objects by core/xml-tree.ts: cheaper than the library's own
    // conversion, which keeps a path for callbacks that we do not need.
    preserveOrder: true,
    // Callbacks (the value processors) get the parser's path object, not a path string built for every value.
    jPath: false,
  });
}

/** `record` and `alarm` are lists wherever they appear, so that one looks like two. */
export const isListItem = (name: string) => name === "record" || name === "alarm";

/** What newParser's options make of a plain body: fast-xml-parser's default attribute prefix, names in lower case. */
export const plainShape: PlainShape = { attributePrefix: "@_", lowerCaseNames: true, listItem: isListItem };

/** Own properties only: a record type named "constructor" must start from 0, not from Object. */
function countOf(counts: Record<string, number>, type: string): number {
  return Object.hasOwn(counts, type) ? counts[type]! : 0;
}

function refuse(reason: string): ParseCdrResult {
  return { ok: false, reason };
}
