/**
 * The bench's meetings, as steps on the simulator. A step changes the simulated CMS and returns
 * the CDRs that change produced; the sender runs steps only when it needs records to post, so the
 * simulated CMS is never more than one batch ahead of what the service was told — as with a real
 * CMS, a banner written for a guest who is still there lands on a call that still exists.
 *
 * Meetings move in waves: at the top of the hour fifty meetings fill at once, so a batch of ten
 * records mixes several meetings, as it does in production.
 */
import type { SimNode } from "../../src/sim/index.ts";

/** What the default policy shows when a web guest is present. */
export const EXTERNAL = "External Participant(s) in Meeting";

export interface BenchMeeting {
  node: SimNode;
  name: string;
  callId: string;
  guestLegId: string;
  sipLegIds: string[];
}

export type Step = () => string[];

const WAVE = 50;

export function meetingsOn(node: SimNode, count: number, label: string): BenchMeeting[] {
  return Array.from({ length: count }, (_, i) => ({ node, name: `${label} ${node.name} ${i}`, callId: "", guestLegId: "", sipLegIds: [] }));
}

const sip = (m: BenchMeeting, n: number) => {
  const { leg, records } = m.node.addLeg(m.callId, {
    displayName: `Room ${n}`,
    remoteParty: `sip:room${n}.${m.sipLegIds.length}@corp.example`,
    type: "sip",
  });
  m.sipLegIds.push(leg.id);
  return records;
};

/** callStart, three SIP rooms, then a web-app guest: the meeting now needs its banner. */
const joinStages: ((m: BenchMeeting) => string[])[] = [
  (m) => {
    const { call, records } = m.node.startCall({ name: m.name });
    m.callId = call.id;
    return records;
  },
  (m) => sip(m, 1),
  (m) => sip(m, 2),
  (m) => sip(m, 3),
  (m) => {
    const { leg, records } = m.node.addLeg(m.callId, { displayName: "Guest", type: "acano", subType: "webApp" });
    m.guestLegId = leg.id;
    return records;
  },
];

/** The guest leaves first (the banner must go), then the rooms, then the call ends. */
const leaveStages: ((m: BenchMeeting) => string[])[] = [
  (m) => m.node.removeLeg(m.guestLegId),
  (m) => m.node.removeLeg(m.sipLegIds[0]!),
  (m) => m.node.removeLeg(m.sipLegIds[1]!),
  (m) => m.node.removeLeg(m.sipLegIds[2]!),
  // Ends any leg still there (a late joiner) and then the call.
  (m) => m.node.endCall(m.callId),
];

/** Waves of meetings through the stages; no new wave starts after `until` (performance.now()). */
function* inWaves(meetings: BenchMeeting[], stages: ((m: BenchMeeting) => string[])[], until = Infinity): Generator<Step> {
  for (let i = 0; i < meetings.length && performance.now() < until; i += WAVE) {
    const wave = meetings.slice(i, i + WAVE);
    for (const stage of stages) for (const m of wave) yield () => stage(m);
  }
}

export const joinSteps = (meetings: BenchMeeting[], until?: number) => inWaves(meetings, joinStages, until);
export const leaveSteps = (meetings: BenchMeeting[]) => inWaves(meetings, leaveStages);
/** A fourth SIP room joins a meeting that already shows its banner: nothing may be written. */
export const lateJoinerSteps = (meetings: BenchMeeting[]) => inWaves(meetings, [(m) => sip(m, 4)]);

/** Builds sim-only calls (no CDRs) for the cold-start reconcile: four SIP rooms and a guest each. */
export function liveCallsOnly(node: SimNode, count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const { call } = node.startCall({ name: `Running ${node.name} ${i}` });
    for (let n = 1; n <= 4; n++) node.addLeg(call.id, { displayName: `Room ${n}`, remoteParty: `sip:room${n}.${i}@corp.example`, type: "sip" });
    node.addLeg(call.id, { displayName: "Guest", type: "acano", subType: "webApp" });
    return call.id;
  });
}
