/**
 * One `<record>` of parsed XML → a typed `CdrRecord`, an ignored type, or a rejection with a reason.
 *
 * Element names arrive lower-cased (the parser folds them, DOMAIN §10.3), hence `callleg`,
 * `remoteparty`; attribute names keep their case. Unknown elements are dropped by `v.object`.
 */
import * as v from "valibot";
import type { CdrRecord, RecordHeader } from "./records.ts";
import {
  defined, element, flag, id, index, optionalBoolean, optionalId, optionalText, recordOf, text, timestamp,
} from "./cdr-fields.ts";

const header = {
  "@_time": timestamp("record@time"),
  "@_recordIndex": index("record@recordIndex"),
  "@_correlatorIndex": index("record@correlatorIndex"),
  // Absent on most records: 0 is put in by headerOf rather than by a valibot default, which would run the index pipe on it.
  "@_numPreceedingRecordsMissing": v.optional(index("record@numPreceedingRecordsMissing")),
};

type RawHeader = v.InferOutput<v.ObjectSchema<typeof header, undefined>>;

function headerOf(raw: RawHeader): RecordHeader {
  return {
    time: raw["@_time"],
    recordIndex: raw["@_recordIndex"],
    correlatorIndex: raw["@_correlatorIndex"],
    missing: raw["@_numPreceedingRecordsMissing"] ?? 0,
  };
}

const callStart = v.pipe(
  recordOf("call", {
    ...header,
    call: element("call", {
      "@_id": id("call@id"),
      name: v.optional(text("call/name"), ""),
      calltype: optionalText("call/callType"),
      cospace: optionalId("call/coSpace"),
      callcorrelator: optionalId("call/callCorrelator"),
      tenant: optionalId("call/tenant"),
    }),
  }),
  v.transform((r): CdrRecord => ({
    type: "callStart",
    ...headerOf(r),
    call: defined({
      id: r.call["@_id"],
      name: r.call.name,
      callType: r.call.calltype,
      coSpace: r.call.cospace,
      callCorrelator: r.call.callcorrelator,
      tenant: r.call.tenant,
    }),
  })),
);

const callEnd = v.pipe(
  recordOf("call", { ...header, call: element("call", { "@_id": id("call@id") }) }),
  v.transform((r): CdrRecord => ({ type: "callEnd", ...headerOf(r), callId: r.call["@_id"] })),
);

const callLegStart = v.pipe(
  recordOf("callLeg", {
    ...header,
    callleg: element("callLeg", {
      "@_id": id("callLeg@id"),
      call: optionalId("callLeg/call"),
      displayname: optionalText("callLeg/displayName"),
      remoteparty: optionalText("callLeg/remoteParty"),
      remoteaddress: optionalText("callLeg/remoteAddress"),
      localaddress: optionalText("callLeg/localAddress"),
      type: optionalText("callLeg/type"),
      subtype: optionalText("callLeg/subType"),
      lyncsubtype: optionalText("callLeg/lyncSubType"),
      direction: optionalText("callLeg/direction"),
      guestconnection: flag("callLeg/guestConnection"),
      recording: flag("callLeg/recording"),
      streaming: flag("callLeg/streaming"),
    }),
  }),
  v.transform(({ callleg: l, ...r }): CdrRecord => ({
    type: "callLegStart",
    ...headerOf(r),
    leg: defined({
      id: l["@_id"],
      callId: l.call,
      displayName: l.displayname,
      remoteParty: l.remoteparty,
      remoteAddress: l.remoteaddress,
      localAddress: l.localaddress,
      type: l.type?.toLowerCase(),
      subType: l.subtype,
      lyncSubType: l.lyncsubtype,
      direction: l.direction,
      guestConnection: l.guestconnection ?? false,
      recording: l.recording ?? false,
      streaming: l.streaming ?? false,
    }),
  })),
);

const callLegUpdate = v.pipe(
  recordOf("callLeg", {
    ...header,
    callleg: element("callLeg", {
      "@_id": id("callLeg@id"),
      call: optionalId("callLeg/call"),
      ivr: v.optional(v.unknown()),
      state: optionalText("callLeg/state"),
      deactivated: optionalBoolean("callLeg/deactivated"),
      displayname: optionalText("callLeg/displayName"),
      remoteaddress: optionalText("callLeg/remoteAddress"),
    }),
  }),
  v.transform(({ callleg: l, ...r }): CdrRecord => ({
    type: "callLegUpdate",
    ...headerOf(r),
    leg: defined({
      id: l["@_id"],
      callId: l.call,
      inIvr: l.ivr !== undefined,
      state: l.state,
      deactivated: l.deactivated,
      displayName: l.displayname,
      remoteAddress: l.remoteaddress,
    }),
  })),
);

const callLegEnd = v.pipe(
  recordOf("callLeg", {
    ...header,
    callleg: element("callLeg", { "@_id": id("callLeg@id"), reason: optionalText("callLeg/reason") }),
  }),
  v.transform(({ callleg: l, ...r }): CdrRecord =>
    defined({ type: "callLegEnd", ...headerOf(r), legId: l["@_id"], reason: l.reason }),
  ),
);

/** A Map, not an object literal: a record type of "constructor" must not find a prototype member. */
const schemas = new Map<string, v.GenericSchema<unknown, CdrRecord>>([
  ["callStart", callStart],
  ["callEnd", callEnd],
  ["callLegStart", callLegStart],
  ["callLegUpdate", callLegUpdate],
  ["callLegEnd", callLegEnd],
]);

/** Type names become keys of `Batch.ignored`; anything else is not a record type CMS could send. */
const TYPE_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

export type RecordOutcome =
  | { kind: "record"; record: CdrRecord }
  | { kind: "ignored"; type: string }
  | { kind: "rejected"; type: string; reason: string };

export function readRecord(raw: unknown): RecordOutcome {
  const fields = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  const type = fields["@_type"];
  if (typeof type !== "string" || type === "") return { kind: "rejected", type: "", reason: "record@type missing" };
  if (!TYPE_NAME.test(type)) {
    return { kind: "rejected", type: type.slice(0, 64), reason: "record@type is not a record type name" };
  }
  const schema = schemas.get(type);
  // recordingStart/End, streamingStart/End and types newer than this code: counted, not acted on.
  if (!schema) return { kind: "ignored", type };
  const result = v.safeParse(schema, fields, { abortEarly: true });
  if (result.success) return { kind: "record", record: result.output };
  return { kind: "rejected", type, reason: result.issues[0].message };
}

/** `<records>` attributes name storage keys too; a bad one makes the whole batch untrustworthy. */
export const batchAttributes = v.object({
  "@_session": v.optional(id("records@session")),
  "@_callBridge": v.optional(id("records@callBridge")),
});
