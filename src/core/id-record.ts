/**
 * Objects keyed by CMS ids: a call's legs, the legs that recently left it.
 *
 * Why not `{}`: V8 gives an object literal a hidden class, and every new property name a
 * transition to another one. Ids are never reused, so each leg id added to a literal made a class
 * that no other object would share: 5 ids cost 5–9 µs in a loop. An object made without a
 * prototype is kept as a hash table from the start (about 1 µs for the same 5), and it stays one
 * when it is then given the usual prototype, which code and libraries that call
 * `hasOwnProperty` or `propertyIsEnumerable` on it expect (workerd's `assert` does). The leg
 * records are built on every CDR that changes a call and for every call a reconcile reads; made
 * this way they cost 0.087 ms less CPU per reconciled call (docs/performance.md, ninth round).
 */
export type IdRecord<T> = Record<string, T>;

/** An empty record, or a copy of `from`. */
export function idRecord<T>(from?: IdRecord<T>): IdRecord<T> {
  const out = Object.setPrototypeOf(Object.create(null), Object.prototype) as IdRecord<T>;
  if (from) for (const id of Object.keys(from)) out[id] = from[id]!;
  return out;
}

/** A copy of `from` with `id` set to `value`. */
export function withId<T>(from: IdRecord<T> | undefined, id: string, value: T): IdRecord<T> {
  const out = idRecord(from);
  out[id] = value;
  return out;
}

/**
 * The values, in key order, as Object.values gives them: by Object.keys and a loop, because
 * Object.values on a hash-table object costs about twice as much (1.2 against 0.6 µs for four legs).
 */
export function valuesOf<T>(record: IdRecord<T>): T[] {
  const out: T[] = [];
  for (const id of Object.keys(record)) out.push(record[id]!);
  return out;
}

/** A copy of `from` without `id`. A delete leaves a hash table one (it is what makes a literal one). */
export function withoutId<T>(from: IdRecord<T>, id: string): IdRecord<T> {
  const out = idRecord(from);
  delete out[id];
  return out;
}
