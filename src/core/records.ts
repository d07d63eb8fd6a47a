/**
 * The CDR records we act on, after parsing and validation (see DOMAIN.md §1–2).
 * Everything here is plain data so that it crosses store, HTTP and runtime boundaries unchanged.
 */

/** Attributes every `<record>` carries. `missing` is CMS's `numPreceedingRecordsMissing` (0 when absent). */
export interface RecordHeader {
  time: string;
  recordIndex: number;
  correlatorIndex: number;
  missing: number;
}

export interface CallStart extends RecordHeader {
  type: "callStart";
  call: {
    id: string;
    name: string;
    callType?: string;
    coSpace?: string;
    callCorrelator?: string;
    tenant?: string;
  };
}

export interface CallEnd extends RecordHeader {
  type: "callEnd";
  callId: string;
}

/** What a leg tells about itself; every field is optional because CMS versions differ. */
export interface LegStartData {
  id: string;
  /** Only when CMS already knew the call at leg start. */
  callId?: string;
  displayName?: string;
  remoteParty?: string;
  remoteAddress?: string;
  localAddress?: string;
  /** `sip` | `acano` (lower-cased). */
  type?: string;
  /** `webApp`, `distributionLink`, `lync`… as sent; compare case-insensitively. */
  subType?: string;
  lyncSubType?: string;
  direction?: string;
  guestConnection: boolean;
  recording: boolean;
  streaming: boolean;
}

export interface CallLegStart extends RecordHeader {
  type: "callLegStart";
  leg: LegStartData;
}

export interface CallLegUpdate extends RecordHeader {
  type: "callLegUpdate";
  leg: {
    id: string;
    callId?: string;
    /** True when `<ivr/>` stands in place of `<call>`: the leg is in an IVR, not in a call. */
    inIvr: boolean;
    /** Absent means "unchanged" (DOMAIN §2.4: do not treat a missing state as a change). */
    state?: string;
    deactivated?: boolean;
    displayName?: string;
    remoteAddress?: string;
  };
}

export interface CallLegEnd extends RecordHeader {
  type: "callLegEnd";
  legId: string;
  reason?: string;
}

export type CdrRecord = CallStart | CallEnd | CallLegStart | CallLegUpdate | CallLegEnd;

/** A record that was well-formed XML but could not be used; it is counted and logged, never fatal. */
export interface RejectedRecord {
  /** 1-based position of the `<record>` in the batch. */
  position: number;
  type: string;
  reason: string;
}

export interface Batch {
  /** `<records session>`; a GUID per Call Bridge boot. */
  session?: string;
  /** `<records callBridge>`; only on clustered bridges, and not always then (DOMAIN §10.14). */
  callBridge?: string;
  records: CdrRecord[];
  rejected: RejectedRecord[];
  /** Record types we do not act on (recordingStart…), counted by type. */
  ignored: Record<string, number>;
}
