/**
 * The fs store journal's lines, and how a journal's bytes are replayed into the live keys.
 *
 * One line per write: `<crc32, 8 hex digits> <json>\n`, where the JSON is `["s", key, value]` or
 * `["r", key]`. JSON keeps any key or value on one line (newlines come out escaped) and leaves the
 * file readable with `tail` or `cut -c10- | jq`; the CRC catches a line that was changed yet still
 * parses, such as a flipped bit inside a value, which JSON alone would load as good data.
 *
 * A group commit appends whole lines in one write, so a process killed mid-append leaves at most
 * one line without its newline at the very end: the torn tail, which is ignored (its write was
 * never acknowledged). Any other bad line is corruption, and replay stops with an error that says
 * where, instead of starting from a state with a hole in it.
 */
import { crc32 } from "node:zlib";

export type JournalOp = { op: "set"; key: string; value: string } | { op: "remove"; key: string };

export class FsStoreError extends Error {
  override name = "FsStoreError";
}

const NEWLINE = 0x0a;
const SPACE = 0x20;
const HEX8 = /^[0-9a-f]{8}$/;

function line(json: string): string {
  return `${crc32(json).toString(16).padStart(8, "0")} ${json}\n`;
}

/** The lines for `ops`, in order: one string, so a group goes out in one write. */
export function encodeOps(ops: readonly JournalOp[]): string {
  let out = "";
  for (const o of ops) out += line(o.op === "set" ? JSON.stringify(["s", o.key, o.value]) : JSON.stringify(["r", o.key]));
  return out;
}

/** The lines that recreate `entries`: what a snapshot holds. */
export function encodeEntries(entries: Iterable<readonly [string, string]>): string {
  let out = "";
  for (const [key, value] of entries) out += line(JSON.stringify(["s", key, value]));
  return out;
}

export interface Replayed {
  entries: Map<string, string>;
  /** Bytes up to the end of the last whole line: where the next append goes. */
  goodBytes: number;
  /** Bytes after it: a torn last line, or 0. */
  tornBytes: number;
}

/** Replays a journal's bytes. `file` only names the journal in errors. */
export function replay(bytes: Uint8Array, file: string): Replayed {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries = new Map<string, string>();
  let pos = 0;
  let lineNo = 0;
  for (;;) {
    const end = buf.indexOf(NEWLINE, pos);
    if (end < 0) break;
    lineNo++;
    const problem = applyLine(entries, buf.subarray(pos, end));
    if (problem) throw corruption(file, lineNo, pos, problem);
    pos = end + 1;
  }
  return { entries, goodBytes: pos, tornBytes: buf.length - pos };
}

function applyLine(entries: Map<string, string>, bytes: Buffer): string | undefined {
  const sum = bytes.toString("latin1", 0, 8);
  if (bytes.length < 10 || bytes[8] !== SPACE || !HEX8.test(sum)) return "it is not a journal record";
  const json = bytes.subarray(9);
  if (crc32(json) !== Number.parseInt(sum, 16)) return "its checksum does not match";
  let rec: unknown;
  try {
    rec = JSON.parse(json.toString("utf8"));
  } catch {
    return "its JSON does not parse";
  }
  if (!Array.isArray(rec) || typeof rec[1] !== "string") return "it is not a set or a remove";
  if (rec[0] === "s" && rec.length === 3 && typeof rec[2] === "string") entries.set(rec[1], rec[2]);
  else if (rec[0] === "r" && rec.length === 2) entries.delete(rec[1]);
  else return "it is not a set or a remove";
  return undefined;
}

function corruption(file: string, lineNo: number, offset: number, problem: string): FsStoreError {
  return new FsStoreError(
    `fs store: ${file} is corrupt at line ${lineNo} (byte offset ${offset}): ${problem}. ` +
      "It is not the last line, so this is not an interrupted write, and the store will not start from a state with a hole in it. " +
      `Restore the file from a backup, or keep only the lines before it (truncate -s ${offset} ${file}) to start from the state before that line.`,
  );
}
