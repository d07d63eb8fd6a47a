/** The JSON shape of GET /api/meetings: one entry per live meeting, its calls per node, its people. */
import { classifyLeg } from "../core/classify.ts";
import { allMeetings } from "../service/meetings.ts";
import type { Service } from "../service/service.ts";

export async function meetingsView(service: Service) {
  const { state, resolver, config } = service;
  const meetings = await allMeetings(state, config.policy);
  return Promise.all(
    meetings.map(async (m) => ({
      id: m.id,
      name: m.calls[0]?.call.name ?? "",
      restricted: m.decision.restricted,
      desired: m.decision.banner,
      counts: m.decision.counts,
      calls: await Promise.all(
        m.calls.map(async ({ call }) => {
          const node = (await resolver.known(call.nodeKey))?.name;
          const applied = node ? await state.getApplied(node, call.id) : undefined;
          return {
            node: node ?? null,
            nodeKey: call.nodeKey,
            callId: call.id,
            name: call.name,
            applied: applied?.banner ?? null,
            appliedAt: applied?.at ?? null,
            operatorMessage: applied?.foreign ?? null,
          };
        }),
      ),
      legs: m.calls.flatMap(({ legs }) =>
        Object.values(legs).map((leg) => {
          const role = classifyLeg(leg, config.policy);
          return {
            id: leg.id,
            callId: leg.callId,
            nodeKey: leg.nodeKey,
            name: leg.displayName ?? leg.remoteParty ?? leg.remoteAddress ?? "",
            participant: role.participant,
            class: role.participant ? role.class : null,
            why: role.why,
            since: leg.since,
          };
        }),
      ),
    })),
  );
}
