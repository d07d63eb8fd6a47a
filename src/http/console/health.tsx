/** @jsxImportSource hono/jsx */
/**
 * The health header: per CMS node whether its API answers and when its last CDR came, when the
 * reconciler last ran, and what banner work is waiting or failing.
 */
import type { ConsoleData } from "./data.ts";
import { hostOf, Time } from "./format.tsx";

const STATE_TEXT: Record<string, string> = {
  ok: "reachable",
  unknown: "not asked yet",
  unreachable: "unreachable",
  timeout: "timing out",
  unauthorised: "refuses our credentials",
  busy: "busy (503)",
  "bad-reply": "bad replies",
};

export function HealthHeader(props: { data: ConsoleData }) {
  const { nodes, lastReconcile: r, applier } = props.data;
  const failing = applier.failing;
  return (
    <section aria-label="health">
      <h2>Health</h2>
      <div class="health">
        {nodes.map((n) => (
          <div class="card" data-node={n.node}>
            <strong>{n.node}</strong> <span class="muted">{hostOf(n.baseUrl)}</span>
            <div>
              CMS API:{" "}
              <span class={`badge ${n.state === "ok" ? "ok" : n.state === "unknown" ? "warn" : "bad"}`} data-api-state={n.state}>
                {STATE_TEXT[n.state] ?? n.state}
              </span>
              {n.state !== "ok" && n.since ? (
                <span class="muted">
                  {" "}since <Time ms={n.since} />
                </span>
              ) : null}
            </div>
            <div class="muted">
              Last CDR: <Time ms={n.lastCdrAt} never="none since start" />
            </div>
          </div>
        ))}
        <div class="card">
          <strong>Reconcile</strong>
          {r ? (
            <div class="muted">
              Last <Time ms={r.startedAt} /> ({r.reason}, {r.ms} ms, {r.calls} calls)
              {r.failedNodes.length ? <div class="bad">nodes not reached: {r.failedNodes.join(", ")}</div> : null}
            </div>
          ) : (
            <div class="muted">not run yet</div>
          )}
        </div>
        <div class="card">
          <strong>Banner writes</strong>
          <div class="muted">
            {applier.queued} queued, {applier.running} running, {applier.retrying} waiting to retry
          </div>
          {failing.length ? (
            <ul class="plain">
              {failing.map((f) => (
                <li class="bad">
                  {f.key}: {f.error} ({f.attempts} tries since <Time ms={f.since} />)
                </li>
              ))}
            </ul>
          ) : (
            <div class="ok">none failing</div>
          )}
        </div>
      </div>
    </section>
  );
}
