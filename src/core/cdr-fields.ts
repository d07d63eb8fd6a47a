/**
 * Valibot building blocks for reading fast-xml-parser output (DOMAIN.md §1–2).
 *
 * The parser keeps every value a string (gotcha 7: `+4670…` must not turn into a number), so
 * these schemas do the converting. Each takes the label an operator would recognise
 * (`callLeg@id`, `callLeg/guestConnection`) and every message names it, because a rejected
 * record is reported by that message alone.
 */
import * as v from "valibot";
import { ownString } from "./own-string.ts";

/** Ids become storage keys and API path segments, so only GUID-like tokens get through. */
export const SAFE_ID = /^[A-Za-z0-9-]{1,64}$/;
const INDEX = /^[0-9]{1,15}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** A short, escaped rendering of a bad value: reasons are logged, so never echo a whole element. */
export function describe(input: unknown): string {
  if (typeof input === "string") return JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input);
  if (Array.isArray(input)) return "a repeated element";
  return input === null || typeof input !== "object" ? String(input) : "an element with children";
}

const missingOr = (label: string, expected: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? `${label} missing` : `${label} ${expected}, got ${describe(issue.input)}`;

type Raw = string | { "#text"?: string };

/** A string, or an element object (not an array: a repeated element is ambiguous) with text or none. */
function isText(input: unknown): input is Raw {
  if (typeof input === "string") return true;
  if (typeof input !== "object" || input === null || Array.isArray(input)) return false;
  const inner = (input as Record<string, unknown>)["#text"];
  return inner === undefined || typeof inner === "string";
}

/** The text inside a value isText accepted, still a slice of the body. */
const rawText = (input: Raw): string => (typeof input === "string" ? input : input["#text"] ?? "");
const owned = (input: Raw): string => ownString(rawText(input));
const textValue = (label: string) => v.custom<Raw>(isText, missingOr(label, "must be a single text value"));

/*
 * Each field is one flat pipe: valibot runs every schema, action and nested pipe of a field for
 * every record, and nesting the builders in one another (an id as a text, then a regex) had a
 * valibot-only read cost about a third of parsing a record (docs/performance.md, eleventh round).
 * Checks run on the text as the body has it; the text kept is a copy of its own (own-string.ts),
 * made only for a value that is kept.
 */

/**
 * The text of an attribute or element. An element that also carries attributes or children comes
 * back from the parser as an object, its text (if any) under `#text`. A copy of its own, not a
 * slice of the batch (own-string.ts): records outlive their batch.
 */
export const text = (label: string) => v.pipe(textValue(label), v.transform(owned));

/** Optional text where an empty element (`<displayName/>`) means "not given". */
export const optionalText = (label: string) =>
  v.optional(v.pipe(textValue(label), v.transform((input) => (rawText(input) === "" ? undefined : owned(input)))));

export const id = (label: string) =>
  v.pipe(textValue(label), v.transform(rawText), v.regex(SAFE_ID, missingOr(label, "is not a safe id")), v.transform(ownString));

export const optionalId = (label: string) =>
  v.optional(
    v.pipe(
      textValue(label),
      v.transform(rawText),
      v.check((s) => s === "" || SAFE_ID.test(s), missingOr(label, "is not a safe id")),
      v.transform((s) => (s === "" ? undefined : ownString(s))),
    ),
  );

export const index = (label: string) =>
  v.pipe(
    v.string(missingOr(label, "must be text")),
    v.regex(INDEX, missingOr(label, "must be a non-negative integer")),
    v.transform(Number),
  );

export const timestamp = (label: string) =>
  v.pipe(textValue(label), v.transform(rawText), v.regex(TIMESTAMP, missingOr(label, "must be an RFC 3339 time")), v.transform(ownString));

/** `true`/`false` in any case, as a boolean; an empty element counts as absent (undefined). */
const booleanText = (label: string) =>
  v.optional(
    v.pipe(
      textValue(label),
      v.transform((input) => rawText(input).toLowerCase()),
      v.check((s) => s === "true" || s === "false" || s === "", missingOr(label, "must be true or false")),
      v.transform((s) => (s === "" ? undefined : s === "true")),
    ),
  );

export const optionalBoolean = booleanText;

/**
 * A boolean that is false when absent or empty (`guestConnection`, `recording`…): read as
 * optionalBoolean, the record's transform takes undefined for false. (A valibot default would be
 * run through the whole pipe for every record that leaves the flag out, which is nearly all.)
 */
export const flag = booleanText;

/** v.object reports a missing required key under its own message; this recovers which key. */
function missingKey(issue: { input: unknown; expected: string | null }): string | undefined {
  return issue.input === undefined && issue.expected?.startsWith('"') ? issue.expected.slice(1, -1) : undefined;
}

const fieldName = (label: string, key: string) => (key.startsWith("@_") ? `${label}@${key.slice(2)}` : `${label}/${key}`);

/** A child element holding fields; `<callLeg/>` parses as "" and is read as an element with none. */
export const element = <const E extends v.ObjectEntries>(label: string, entries: E) =>
  v.pipe(
    // v.object would take an array for an object; a repeated element is ambiguous, so refuse it.
    v.custom<unknown>((input) => !Array.isArray(input), `${label} must be a single element, got a repeated element`),
    v.transform((input) => (input === "" ? {} : input)),
    v.object(entries, (issue) => {
      const key = missingKey(issue);
      return key ? `${fieldName(label, key)} missing` : `${label} must be a single element, got ${describe(issue.input)}`;
    }),
  );

/** The `<record>` itself: its attributes, and the one child element that carries its data. */
export const recordOf = <const E extends v.ObjectEntries>(child: string, entries: E) =>
  v.object(entries, (issue) => {
    const key = missingKey(issue) ?? "";
    return key.startsWith("@_") ? `${fieldName("record", key)} missing` : `${child} missing`;
  });

/**
 * Leaves out keys whose value is undefined, so records compare and serialise the same wherever
 * they go. A copy rather than `delete`, which would turn every record's object into a slow
 * dictionary for the rest of its life.
 */
export function defined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const key in value) if (value[key] !== undefined) out[key] = value[key];
  return out as T;
}
