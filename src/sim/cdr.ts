/**
 * The CDR stream of one Call Bridge: record headers with their indexes, the `<records>`
 * document a batch is posted in, and the POST that delivers it (DOMAIN.md §1). The simulator has one receiver's view, so
 * `recordIndex` and `correlatorIndex` advance together except where records were dropped.
 */
import { node, xmlDocument } from "./xml.ts";

export type RecordType = "callStart" | "callEnd" | "callLegStart" | "callLegUpdate" | "callLegEnd";

export interface CdrStream {
  session: string;
  /** Index of the next record sent to the receiver; starts at 1. */
  nextRecordIndex: number;
  /** Index of the next record the bridge generates; starts at 0. */
  nextCorrelatorIndex: number;
  /** Records thrown away since the last one emitted, reported on the next. */
  missing: number;
}

export function newCdrStream(): CdrStream {
  return { session: crypto.randomUUID(), nextRecordIndex: 1, nextCorrelatorIndex: 0, missing: 0 };
}

/** CMS writes whole seconds in UTC. */
export function cdrTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export function emitRecord(stream: CdrStream, type: RecordType, body: string, now: number): string {
  const record = node(
    "record",
    {
      type,
      time: cdrTime(now),
      recordIndex: stream.nextRecordIndex,
      correlatorIndex: stream.nextCorrelatorIndex,
      numPreceedingRecordsMissing: stream.missing > 0 ? stream.missing : undefined,
    },
    `\n${body}\n`,
  );
  stream.nextRecordIndex += 1;
  stream.nextCorrelatorIndex += 1;
  stream.missing = 0;
  return record;
}

/** The receiver never sees the dropped records, so only the bridge's own counter moves on. */
export function dropFromStream(stream: CdrStream, n: number): void {
  stream.missing += n;
  stream.nextCorrelatorIndex += n;
}

export function recordsDocument(session: string, callBridge: string | undefined, records: string[]): string {
  return xmlDocument(node("records", { session, callBridge }, `\n${records.map((r) => `${r}\n`).join("")}`));
}

/** One plain `fetch` POST per batch, as CMS sends; callers pass a TLS `dispatcher` or other options through `init`. */
export async function postCdr(url: string, xml: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has("Content-Type")) headers.set("Content-Type", "text/xml");
  return fetch(url, { ...init, method: "POST", headers, body: xml });
}
