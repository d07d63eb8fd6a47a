/**
 * The CDR hot path alone: parseCdrBatch on a realistic batch of ten records (a call starting,
 * people joining with their updates, a guest leaving, the call ending), as the simulator writes
 * them. Also timed on their own, to show where a microsecond goes: the plain reading that every
 * CMS batch takes, and the path a body that is not plain takes instead (the guard, the validator,
 * fast-xml-parser's tree and our conversion of it into objects).
 */
import { isListItem, parseCdrBatch, plainShape } from "../../src/core/parse-cdr.ts";
import { orderedToObject } from "../../src/core/xml-tree.ts";
import { guardXml } from "../../src/core/xml-guard.ts";
import { readPlainXml } from "../../src/core/xml-plain.ts";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { createSimCluster } from "../../src/sim/index.ts";

export interface ParseFigures {
  usPerRecord: number;
  bytesPerRecord: number;
  /** µs per record spent in each stage measured alone. */
  stages: Record<string, number>;
}

export function realisticBatch(): string {
  const node = createSimCluster({ nodes: ["cb-p"] }).node("cb-p");
  const { call, records } = node.startCall({ name: "Weekly planning" });
  const room = node.addLeg(call.id, { displayName: "Room 4.12", remoteParty: "sip:room412@corp.example", type: "sip" });
  const app = node.addLeg(call.id, { displayName: "Alice Andersson", remoteParty: "alice@corp.example", type: "acano" });
  const guest = node.addLeg(call.id, { displayName: "Visitor Bob", type: "acano", subType: "webApp", guestConnection: true });
  const all = [...records, ...room.records, ...app.records, ...guest.records, ...node.removeLeg(guest.leg.id), ...node.endCall(call.id)];
  return node.records(all.slice(0, 10));
}

/** Mean µs per call of `fn`, run for about `ms` after a warm-up. */
function time(fn: () => unknown, ms: number): number {
  for (let i = 0; i < 2000; i++) fn();
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < 200; i++) fn();
    n += 200;
    t = performance.now();
  }
  return ((t - t0) * 1000) / n;
}

export function benchParse(ms = 1500): ParseFigures {
  const body = realisticBatch();
  const parsed = parseCdrBatch(body);
  if (!parsed.ok || parsed.batch.records.length !== 10) throw new Error(`bench batch did not parse to 10 records: ${JSON.stringify(parsed)}`);
  const per = (us: number) => us / 10;
  const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, preserveOrder: true, jPath: false });
  const tree = parser.parse(body);
  return {
    usPerRecord: per(time(() => parseCdrBatch(body), ms)),
    bytesPerRecord: body.length / 10,
    stages: {
      "guard (declarations, depth; bodies that are not plain only)": per(time(() => guardXml(body, 12), ms / 5)),
      "plain reading (xml-plain)": per(time(() => readPlainXml(body, plainShape), ms / 5)),
      "XMLValidator (bodies that are not plain only)": per(time(() => XMLValidator.validate(body), ms / 5)),
      "tree (XMLParser, ordered)": per(time(() => parser.parse(body), ms / 5)),
      "objects (xml-tree)": per(time(() => orderedToObject(tree, isListItem), ms / 5)),
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(benchParse());
