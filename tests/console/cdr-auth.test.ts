/**
 * Who may post CDRs. CDR_TOKEN: `?token=` must match (401 otherwise, nothing stored, the token
 * never logged). CDR_ALLOW: the socket's address must be in a listed range (403 otherwise);
 * X-Forwarded-For is ignored unless the peer is one of TRUSTED_PROXIES. IPv4 and IPv6.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startService, type ServiceProcess } from "../helpers/service-process.ts";
import { startSimCluster, type ServedCluster } from "../helpers/sim-cluster.ts";
import { eventually } from "../helpers/wait.ts";

const TOKEN = "cdr-token-4f9a1c2e7b3d5a60";

let sim: ServedCluster;
const started: ServiceProcess[] = [];
const service = async (env: Record<string, string>) => {
  const svc = await startService({ ...sim.env, STORAGE: "memory", ...env }, "node");
  started.push(svc);
  // Until the start-up reconcile has listed the calls, it could learn a refused meeting from the CMS.
  await eventually(() => svc.events().some((e) => e.msg === "reconciled"), { what: "the start-up reconcile" });
  return svc;
};

before(async () => {
  sim = await startSimCluster(["cb-a"]);
});
after(async () => {
  await Promise.all(started.map((s) => s.stop()));
  await sim.close();
});

/** A fresh meeting's batch, and whether the service knows that meeting afterwards. */
function meeting(name: string) {
  const a = sim.cluster.node("cb-a");
  const { call, records } = a.startCall({ name });
  return {
    xml: a.records(records),
    stored: async (svc: ServiceProcess) => (await svc.meetings()).some((m) => m.calls.some((c) => c.callId === call.id)),
  };
}

test("CDR_TOKEN: missing, wrong, shorter or longer → 401 and nothing stored; the right token → 200", async () => {
  const svc = await service({ CDR_TOKEN: TOKEN });
  const m = meeting("Token test");
  for (const query of ["", "?token=", `?token=${TOKEN.slice(0, -1)}`, `?token=${TOKEN}x`, `?token=${TOKEN.replace("4", "5")}`, `?Token=${TOKEN}`]) {
    for (const path of ["/cdr/cb-a", "/cdr"]) {
      const res = await svc.post(path + query, m.xml);
      assert.equal(res.status, 401, `${path}${query.replace(TOKEN, "<token>")}`);
      assert.ok(!(await res.text()).includes(TOKEN));
    }
  }
  assert.equal(await m.stored(svc), false, "nothing stored");
  assert.equal((await svc.post(`/cdr/cb-a?token=${TOKEN}`, m.xml)).status, 200);
  assert.equal(await m.stored(svc), true);
  const metrics = await (await svc.get("/metrics")).text();
  assert.match(metrics, /^cms_notify_cdr_batches_total\{outcome="401"\} 12$/m);
  assert.ok(svc.events().some((e) => e.msg === "CDR batch refused: token missing or wrong"));
  assert.ok(!svc.logs.join("\n").includes(TOKEN), "the token is never logged");
});

test("CDR_ALLOW: a client outside every range → 403 and nothing stored, X-Forwarded-For not believed", async () => {
  const svc = await service({ CDR_ALLOW: "10.0.0.0/8, 2001:db8::/32" });
  const m = meeting("Allow-list test");
  assert.equal((await svc.post("/cdr/cb-a", m.xml)).status, 403);
  const spoofed = await svc.post("/cdr/cb-a", m.xml, { headers: { "content-type": "text/xml", "X-Forwarded-For": "10.1.2.3" } });
  assert.equal(spoofed.status, 403, "a header anyone can send does not open the door");
  assert.equal(await m.stored(svc), false);
  assert.ok(svc.events().some((e) => e.msg === "CDR batch refused: client not in CDR_ALLOW" && e.client === "127.0.0.1"));
});

test("CDR_ALLOW with TRUSTED_PROXIES: the proxy's X-Forwarded-For names the client", async () => {
  const svc = await service({ CDR_ALLOW: "10.0.0.0/8", TRUSTED_PROXIES: "127.0.0.1" });
  const inside = meeting("Via proxy, inside");
  const outside = meeting("Via proxy, outside");
  const via = (xff: string, xml: string) => svc.post("/cdr/cb-a", xml, { headers: { "content-type": "text/xml", "X-Forwarded-For": xff } });
  assert.equal((await via("192.0.2.9", outside.xml)).status, 403);
  // The left-most entry is the client's own claim; the nearest untrusted hop is what counts.
  assert.equal((await via("10.9.9.9, 192.0.2.9", outside.xml)).status, 403);
  assert.equal((await via("10.1.2.3", inside.xml)).status, 200);
  assert.equal(await inside.stored(svc), true);
  assert.equal(await outside.stored(svc), false);
});

test("CDR_ALLOW and CDR_TOKEN together: an allowed address still needs the token", async () => {
  const svc = await service({ CDR_ALLOW: "192.0.2.0/24,127.0.0.1", CDR_TOKEN: TOKEN });
  const m = meeting("Both");
  assert.equal((await svc.post("/cdr/cb-a", m.xml)).status, 401);
  assert.equal((await svc.post(`/cdr/cb-a?token=${TOKEN}`, m.xml)).status, 200);
});

test("CDR_ALLOW over IPv6: ::1 allowed by ::1/128, refused by an IPv4-only list", async (t) => {
  let allowed: ServiceProcess;
  try {
    allowed = await service({ HOST: "::1", CDR_ALLOW: "::1/128" });
  } catch (err) {
    t.skip(`no IPv6 loopback here: ${(err as Error).message.split("\n")[0]}`);
    return;
  }
  const refused = await service({ HOST: "::1", CDR_ALLOW: "127.0.0.0/8" });
  const v6 = (svc: ServiceProcess) => svc.url.replace("127.0.0.1", "[::1]");
  const m = meeting("IPv6");
  const post = (svc: ServiceProcess) => fetch(`${v6(svc)}/cdr/cb-a`, { method: "POST", body: m.xml, headers: { "content-type": "text/xml" } });
  assert.equal((await post(refused)).status, 403);
  assert.equal((await post(allowed)).status, 200);
});
