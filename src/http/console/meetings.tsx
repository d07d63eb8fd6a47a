/** @jsxImportSource hono/jsx */
/**
 * Live meetings: the name, where it runs, who is in it and how each one counts (and why), the
 * banner the policy wants and the banner each node shows, and when that last changed.
 */
import type { ConsoleData, MeetingView } from "./data.ts";
import { BannerText, Time } from "./format.tsx";

export function Meetings(props: { data: ConsoleData }) {
  const { meetings, error } = props.data;
  if (error !== undefined) {
    return (
      <section aria-label="meetings">
        <h2>Live meetings</h2>
        <div class="card error" role="alert">
          The meeting state cannot be read right now: {error}. CDR batches are answered 503 until the store is back, and CMS
          keeps them.
        </div>
      </section>
    );
  }
  const list = meetings ?? [];
  return (
    <section aria-label="meetings">
      <h2>Live meetings ({list.length})</h2>
      {list.length === 0 ? (
        <div class="card empty">
          No live meetings. A meeting appears here as soon as a CMS node reports a call, or the next reconcile finds one.
        </div>
      ) : (
        <div class="grid">
          {list.map((m) => (
            <Meeting m={m} lastChange={props.data.lastChange[m.id]} />
          ))}
        </div>
      )}
    </section>
  );
}

function Meeting(props: { m: MeetingView; lastChange: number | undefined }) {
  const { m } = props;
  const nodes = [...new Set(m.calls.map((c) => c.node ?? c.nodeKey))];
  const people = m.legs.filter((l) => l.participant);
  const others = m.legs.filter((l) => !l.participant);
  return (
    <article class="card meeting" data-meeting={m.id}>
      <h3>{m.name || "(unnamed call)"}</h3>
      <div class="muted">
        {m.restricted ? <span class="badge bad">restricted</span> : <span class="badge">not restricted</span>} on{" "}
        {nodes.join(", ")} · {people.length} {people.length === 1 ? "participant" : "participants"}
      </div>
      <div class={m.desired ? "banner" : "banner none"} data-desired>
        <BannerText text={m.desired?.text} none="no banner wanted" />
      </div>
      <ul class="plain" aria-label="banner per node">
        {m.calls.map((c) => {
          const inSync = (c.applied?.text ?? null) === (m.desired?.text ?? null);
          return (
            <li data-applied-node={c.node ?? c.nodeKey}>
              <span class="name">{c.node ?? `${c.nodeKey} (node not known yet)`}</span>
              {c.operatorMessage ? (
                <>
                  <span class="badge warn">operator's own message, left alone</span>
                  <BannerText text={c.operatorMessage} />
                </>
              ) : inSync ? (
                <span class="badge ok">{m.desired ? "shows it" : "shows none"}</span>
              ) : (
                <>
                  <span class="badge warn">pending</span>
                  <span class="muted">
                    shows <BannerText text={c.applied?.text} none="no banner" />
                  </span>
                </>
              )}
            </li>
          );
        })}
      </ul>
      <ul class="plain" aria-label="participants">
        {people.map((l) => (
          <li data-leg={l.id}>
            <span class="name">{l.name || "(no name)"}</span>
            <span class={`badge ${l.class}`}>{l.class}</span>
            <span class="muted">{l.why}</span>
          </li>
        ))}
        {others.map((l) => (
          <li class="nonpart" data-leg={l.id}>
            <span class="name">{l.name || l.why}</span>
            <span class="muted">not counted{l.name ? `: ${l.why}` : ""}</span>
          </li>
        ))}
      </ul>
      <div class="muted">
        Banner last changed: <Time ms={props.lastChange} never="not changed by us" />
      </div>
    </article>
  );
}
