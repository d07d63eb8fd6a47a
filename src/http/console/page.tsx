/** @jsxImportSource hono/jsx */
/**
 * The status page's frame and its live section. The live section is what the server re-renders
 * and pushes over SSE, so the first load and every update come from the same components.
 */
import type { Child } from "hono/jsx";
import { raw } from "hono/html";
import { CLIENT_SCRIPT, STYLES } from "./assets.ts";
import { AuditPanel } from "./audit.tsx";
import type { ConsoleData } from "./data.ts";
import { HealthHeader } from "./health.tsx";
import { Meetings } from "./meetings.tsx";

export function LiveView(props: { data: ConsoleData }) {
  return (
    <>
      <HealthHeader data={props.data} />
      <Meetings data={props.data} />
      <AuditPanel data={props.data} />
    </>
  );
}

export function Shell(props: { title: string; nonce?: string; children: Child; header?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{props.title}</title>
        <style>{raw(STYLES)}</style>
      </head>
      <body>
        <header class="top">
          <h1>cms-notify</h1>
          {props.header}
        </header>
        {props.children}
      </body>
    </html>
  );
}

export function StatusPage(props: { data: ConsoleData; nonce: string; loggedIn: boolean }) {
  const header = (
    <>
      <span class="conn" id="conn" data-state="static">
        connecting…
      </span>
      <span class="spacer" />
      {props.loggedIn ? (
        <form method="post" action="logout">
          <button type="submit">Log out</button>
        </form>
      ) : null}
    </>
  );
  return (
    <Shell title="cms-notify status" header={header}>
      <main id="live">
        <LiveView data={props.data} />
      </main>
      <script nonce={props.nonce}>{raw(CLIENT_SCRIPT)}</script>
    </Shell>
  );
}
