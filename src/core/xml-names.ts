/**
 * Names the plain reader (xml-plain.ts) has read before, per shape: an element's key (its name,
 * folded when the shape folds names) and an attribute's (prefixed), each already checked against
 * the names an object inherits. A CDR batch repeats a few dozen names; looking one up costs less
 * than folding or prefixing it again and checking the new string, as every element and attribute
 * did (parse −1.5 µs per record of about 12, docs/performance.md, eleventh round). Names come from
 * the network, so only the first NAMES_KEPT are kept, each a copy of its own (own-string.ts): a
 * name cut from a body must not keep the body.
 */
import { ownString } from "./own-string.ts";

const NAMES_KEPT = 512;

export interface KnownNames {
  elements: Map<string, string>;
  attributes: Map<string, string>;
}

/** Per shape (an object of the caller's, one per parser's options), so CDR and CMS names never mix. */
const knownNames = new WeakMap<object, KnownNames>();

export function namesOf(shape: object): KnownNames {
  let names = knownNames.get(shape);
  if (names === undefined) knownNames.set(shape, (names = { elements: new Map(), attributes: new Map() }));
  return names;
}

/** Keeps a name that passed its checks, while fewer than NAMES_KEPT are kept. */
export function remember(known: Map<string, string>, raw: string, key: string) {
  if (known.size < NAMES_KEPT) known.set(ownString(raw), ownString(key));
}
