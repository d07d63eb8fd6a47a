/**
 * What the reconciler learns from the CMS API, as the facts intake stores: a call from its detail,
 * a leg from its detail. Pure; the CDR side of the same job is core/transitions.ts.
 */
import type { ApiCall, ApiLeg } from "../cms/client.ts";
import type { LegFact } from "../core/model.ts";
import type { CallDoc } from "../store/state.ts";

/** A call from its detail; what the API leaves out (an older CMS) is kept from what we knew. */
export function callFromApi(api: ApiCall, nodeKey: string, doc: CallDoc | undefined, seenAt: number, since: string) {
  const was = doc && !doc.call.stub ? doc.call : undefined;
  return {
    id: api.id,
    nodeKey,
    name: api.name ?? was?.name ?? "",
    callType: api.callType ?? was?.callType,
    coSpace: api.coSpace ?? was?.coSpace,
    correlator: api.correlator ?? was?.correlator,
    tenant: api.tenant ?? was?.tenant,
    since: was?.since ?? since,
    seenAt: was?.seenAt ?? seenAt,
    source: was?.source ?? ("api" as const),
  };
}

/**
 * The API knows less than a CDR: there is no guestConnection field (DOMAIN §3), so an old-style
 * web guest who joined before we started is classified by subtype and address alone.
 *
 * `callId` is the call whose leg list named the leg, and `since` the run's moment for that call
 * (its ISO form made once per call, not per leg): the fact is stored as it is made, without a copy.
 */
export function legFromApi(api: ApiLeg, nodeKey: string, callId: string, seenAt: number, since: string): LegFact {
  return {
    id: api.id,
    nodeKey,
    callId,
    displayName: api.name || undefined,
    remoteParty: api.remoteParty,
    type: api.type,
    subType: api.subType,
    lyncSubType: api.lyncSubType,
    direction: api.direction,
    guest: false,
    recording: api.recording,
    streaming: api.streaming,
    inIvr: false,
    deactivated: api.deactivated,
    since,
    seenAt,
    source: "api",
  };
}
