/** @jsxImportSource hono/jsx */
/** The audit panel: the latest banner changes, newest first, with what caused each. */
import type { ConsoleData } from "./data.ts";
import { BannerText, Time } from "./format.tsx";

/** GUIDs to their first 8 digits: enough to tell legs apart on screen; /api/audit has them whole. */
const shortIds = (s: string) => s.replace(/\b([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "$1…");

export function AuditPanel(props: { data: ConsoleData }) {
  const entries = props.data.audit;
  if (entries === undefined) return null;
  return (
    <section aria-label="audit">
      <h2>Recent banner changes</h2>
      {entries.length === 0 ? (
        <div class="card empty">No banner changes recorded yet.</div>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th>Meeting</th>
                <th>Node</th>
                <th>Change</th>
                <th>Cause</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr data-audit-meeting={e.meetingId}>
                  <td>
                    <Time ms={e.at} />
                  </td>
                  <td>{e.meetingName || e.meetingId}</td>
                  <td>{e.node}</td>
                  <td class="change">
                    <BannerText text={e.from} none="none" /> → <BannerText text={e.to} none="none" />
                  </td>
                  <td title={e.cause}>{shortIds(e.cause)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
