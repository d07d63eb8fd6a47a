/**
 * The page's stylesheet and its one script, inlined: no build step, no second request, and a
 * Content-Security-Policy that allows exactly these (the script by a per-response nonce).
 */

export const STYLES = `
:root{--bg:#f5f6f8;--card:#fff;--ink:#1d232b;--dim:#5d6875;--line:#dde1e6;--ok:#1d7a46;--bad:#b42318;--warn:#a15c00;--ext:#b42318;--int:#1d5fb4;--sec:#6b3fb4}
@media (prefers-color-scheme:dark){:root{--bg:#14171b;--card:#1d2127;--ink:#e6e9ed;--dim:#9aa4af;--line:#2e343c;--ok:#4cc38a;--bad:#ff6b5e;--warn:#f0a640;--ext:#ff6b5e;--int:#6ea8ff;--sec:#b895ff}}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--ink)}
header.top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding:.75rem 1rem;border-bottom:1px solid var(--line);background:var(--card)}
header.top h1{font-size:1.1rem;margin:0}
.conn{font-size:.8rem;padding:.1rem .5rem;border-radius:1rem;border:1px solid var(--line);color:var(--dim)}
.conn[data-state=live]{color:var(--ok);border-color:var(--ok)}
.conn[data-state=down]{color:var(--warn);border-color:var(--warn)}
.spacer{flex:1}
main{padding:1rem;max-width:1200px;margin:0 auto}
h2{font-size:1rem;margin:1.25rem 0 .5rem;color:var(--dim);text-transform:uppercase;letter-spacing:.04em}
.grid{display:grid;gap:.75rem;grid-template-columns:repeat(auto-fill,minmax(min(100%,340px),1fr))}
.card{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:.75rem 1rem}
.card h3{margin:0 0 .25rem;font-size:1.05rem;overflow-wrap:anywhere}
.muted{color:var(--dim);font-size:.85rem}
.badge{display:inline-block;font-size:.75rem;font-weight:600;padding:.05rem .45rem;border-radius:.25rem;border:1px solid currentColor;white-space:nowrap}
.ok{color:var(--ok)}.bad{color:var(--bad)}.warn{color:var(--warn)}
.external{color:var(--ext)}.internal{color:var(--int)}.secure{color:var(--sec)}
.banner{margin:.5rem 0;padding:.4rem .6rem;border-left:4px solid var(--bad);background:color-mix(in srgb,var(--bad) 8%,transparent);font-weight:600}
.banner.none{border-color:var(--line);background:none;font-weight:400;color:var(--dim)}
ul.plain{list-style:none;margin:.25rem 0;padding:0}
ul.plain li{display:flex;flex-wrap:wrap;gap:.25rem .5rem;align-items:baseline;padding:.2rem 0;border-top:1px solid var(--line)}
ul.plain li:first-child{border-top:0}
li.nonpart{opacity:.6}
.name{font-weight:500;overflow-wrap:anywhere}
.health{display:grid;gap:.5rem;grid-template-columns:repeat(auto-fill,minmax(min(100%,260px),1fr))}
.health .card{padding:.5rem .75rem}
.empty,.error{padding:1.5rem;text-align:center}
.error{border-color:var(--bad);color:var(--bad)}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;background:var(--card);border:1px solid var(--line);border-radius:.5rem;font-size:.9rem}
th,td{text-align:left;padding:.4rem .6rem;border-top:1px solid var(--line);vertical-align:top}
th{color:var(--dim);font-weight:600;border-top:0}
td.change{min-width:14rem}
form.login{max-width:22rem;margin:4rem auto}
form.login input{width:100%;padding:.5rem;font:inherit;margin:.5rem 0;border:1px solid var(--line);border-radius:.25rem;background:var(--bg);color:var(--ink)}
button{font:inherit;padding:.4rem .9rem;border-radius:.25rem;border:1px solid var(--line);background:var(--card);color:var(--ink);cursor:pointer}
@media (max-width:600px){main{padding:.5rem}th,td{padding:.3rem .4rem}}
`;

/**
 * Live updates: the server pushes the rendered live section over SSE and this swaps it in.
 * Times arrive as UTC and are shown in the reader's zone, with their age kept current.
 */
export const CLIENT_SCRIPT = `
(() => {
  const live = document.getElementById("live");
  const conn = document.getElementById("conn");
  const ago = (s) => s < 60 ? s + " s ago" : s < 3600 ? Math.floor(s / 60) + " min ago" : s < 86400 ? Math.floor(s / 3600) + " h ago" : Math.floor(s / 86400) + " d ago";
  const times = () => {
    for (const t of document.querySelectorAll("time[datetime]")) {
      const d = new Date(t.dateTime);
      const s = Math.max(0, Math.round((Date.now() - d.getTime()) / 1000));
      t.title = d.toLocaleString();
      t.textContent = (s < 86400 ? d.toLocaleTimeString() : d.toLocaleString()) + " (" + ago(s) + ")";
    }
  };
  const state = (s, text) => { conn.dataset.state = s; conn.textContent = text; };
  const es = new EventSource("events");
  es.onopen = () => state("live", "live");
  es.addEventListener("update", (e) => { live.innerHTML = e.data; times(); state("live", "live"); });
  // A closed stream (e.g. the session expired) is not retried by the browser: reload to log in again.
  es.onerror = () => { state("down", "reconnecting…"); if (es.readyState === EventSource.CLOSED) setTimeout(() => location.reload(), 5000); };
  times();
  setInterval(times, 5000);
})();
`;
