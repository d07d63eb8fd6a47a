/**
 * A string that owns its characters. A value cut out of a document (fast-xml-parser slices
 * attribute and element text out of the body) shares the body's memory in V8 once it is 13
 * characters or longer: keeping one id kept the whole 4 KiB CDR batch, or the whole API reply.
 * Values read here are kept well after their document: in call documents held in memory
 * (store/recent-docs.ts), in queued work and in logs. Costs about 0.1 µs per long value.
 *
 * Joining a space in front makes a new two-part string; cutting the space off again makes V8
 * copy both parts into one fresh string first, and the result points into that copy only. On an
 * engine that does not share memory this way it is a harmless copy.
 */
const SHARED_FROM = 13;

export function ownString(value: string): string {
  return value.length < SHARED_FROM ? value : (" " + value).slice(1);
}
