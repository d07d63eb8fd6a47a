/**
 * Everything the console shows, gathered in one place so the page, its live updates and the
 * tests see the same thing. A store that cannot be read is an error state of the page, not a
 * failed request: the health header still says what is known about the CMS nodes.
 */
import type { AuditEntry } from "../../store/audit.ts";
import type { NodeHealth } from "../../service/health.ts";
import { errorText } from "../../service/log.ts";
import type { ReconcileReport } from "../../service/reconciler.ts";
import type { Service } from "../../service/service.ts";
import { meetingsView } from "../meetings-view.ts";

export type MeetingView = Awaited<ReturnType<typeof meetingsView>>[number];

export interface ConsoleData {
  now: number;
  nodes: (NodeHealth & { baseUrl?: string })[];
  lastReconcile?: ReconcileReport;
  applier: ReturnType<Service["applier"]["status"]>;
  meetings?: MeetingView[];
  /** Newest first. */
  audit?: AuditEntry[];
  /** When each meeting's banner last changed, from the audit trail and the applied records. */
  lastChange: Record<string, number>;
  error?: string;
}

const AUDIT_ROWS = 50;

export async function loadConsoleData(service: Service): Promise<ConsoleData> {
  const now = service.now();
  const base = new Map(service.config.nodes.map((n) => [n.name, n.baseUrl]));
  const data: ConsoleData = {
    now,
    nodes: service.health.snapshot().map((h) => ({ ...h, baseUrl: base.get(h.node) })),
    lastReconcile: service.reconciler.last(),
    applier: service.applier.status(),
    lastChange: {},
  };
  try {
    const [meetings, audit] = await Promise.all([meetingsView(service), service.audit.query({ limit: AUDIT_ROWS })]);
    data.meetings = meetings.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    data.audit = audit;
    for (const m of meetings) {
      const applied = m.calls.map((c) => c.appliedAt ?? 0);
      const logged = audit.find((e) => e.meetingId === m.id)?.at ?? 0;
      const last = Math.max(logged, ...applied);
      if (last > 0) data.lastChange[m.id] = last;
    }
  } catch (err) {
    data.error = errorText(err);
  }
  return data;
}
