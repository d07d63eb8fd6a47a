/**
 * `cms-notify sim`: the CMS simulator on its own, over plain HTTP on loopback, for trying the
 * service by hand. It starts a few meetings, prints the settings that point cms-notify at it,
 * and — like a real Call Bridge — posts each node's CDRs to the receivers registered on that
 * node (so `register-cdr` against it works). A web-app guest joins and leaves one meeting on a
 * timer, so the status page has something to show.
 */
import { createSimCluster, linkNodes, postCdr, serveSimNode, type SimNode } from "../sim/index.ts";
import { errorText } from "../service/log.ts";
import { EXIT, type CliIo } from "./io.ts";
import { maskUri } from "./receiver-uri.ts";

export interface SimOptions {
  port?: string;
  nodes?: string;
  user?: string;
  password?: string;
  /** Seconds between the guest's joins and leaves; 0 = never. */
  every?: string;
}

export async function runSim(io: CliIo, opts: SimOptions): Promise<number> {
  const names = (opts.nodes ?? "cb-a,cb-b").split(",").map((s) => s.trim()).filter(Boolean);
  const port = Number(opts.port ?? "9445");
  const every = Number(opts.every ?? "20");
  if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isFinite(every) || every < 0 || names.length === 0) {
    io.err("sim: usage: cms-notify sim [--port 9445] [--nodes cb-a,cb-b] [--user apiuser] [--password …] [--every 20]");
    return EXIT.usage;
  }
  const username = opts.user ?? "apiuser";
  const password = opts.password ?? "sim-password";
  const cluster = createSimCluster({ nodes: names, username, password });
  const served = await Promise.all(cluster.nodes.map((n, i) => serveSimNode(n, { port: port === 0 ? 0 : port + i })));

  const deliver = async (node: SimNode, records: string[]) => {
    for (const uri of node.cdrReceivers.values()) {
      const res = await postCdr(uri, node.records(records)).catch((err: Error) => errorText(err.cause ?? err));
      io.out(`${node.name}: ${records.length} CDR records → ${maskUri(uri)}: ${typeof res === "string" ? `not sent (${res})` : res.status}`);
    }
  };

  io.out(`CMS simulator: ${names.length} ${names.length === 1 ? "node" : "nodes"} on loopback, plain HTTP`);
  cluster.nodes.forEach((n, i) => io.out(`  ${n.name}  ${served[i]!.url}`));
  io.out(`  API user: ${username}  password: ${password}`);
  io.out("Point cms-notify at it:");
  io.out(`  CMS_NODES=${cluster.nodes.map((n, i) => `${n.name}=${served[i]!.url}`).join(",")} CMS_USERNAME=${username} CMS_PASSWORD=${password}`);
  io.out("then: cms-notify register-cdr --url http://127.0.0.1:5000/cdr/{node}");

  const guestLoop = startMeetings(cluster.nodes, deliver);
  io.out(`meetings: "Weekly sync", "Project Falcon - RESTRICTED"${cluster.nodes.length > 1 ? " (on two nodes)" : ""}, "Customer demo"${every > 0 ? `; a guest joins and leaves "Customer demo" every ${every} s` : ""}`);
  io.out("Ctrl-C stops.");
  const timer = every > 0 ? setInterval(() => void guestLoop().catch((err) => io.err(`sim: ${errorText(err)}`)), every * 1000) : undefined;

  await io.stopped();
  clearInterval(timer);
  await Promise.all(served.map((s) => s.close()));
  return EXIT.ok;
}

/** The scripted meetings; returns the step that lets the guest in or out of "Customer demo". */
function startMeetings(nodes: SimNode[], deliver: (node: SimNode, records: string[]) => Promise<void>) {
  const a = nodes[0]!;
  const b = nodes[1] ?? a;
  const sync = a.startCall({ name: "Weekly sync" });
  a.addLeg(sync.call.id, { displayName: "Alice Smith", remoteParty: "alice@corp.example", type: "acano" });
  a.addLeg(sync.call.id, { displayName: "Bob Lee", remoteParty: "bob@corp.example", type: "sip" });

  const correlator = crypto.randomUUID();
  const fa = a.startCall({ name: "Project Falcon - RESTRICTED", correlator });
  a.addLeg(fa.call.id, { displayName: "Carol Jones", remoteParty: "carol@corp.example", type: "sip" });
  if (b !== a) {
    const fb = b.startCall({ name: "Project Falcon - RESTRICTED", correlator });
    linkNodes(a, fa.call.id, b, fb.call.id);
    b.addLeg(fb.call.id, { displayName: "Dana (Partner)", remoteParty: "dana@partner.example.net", type: "sip" });
  }

  const demo = b.startCall({ name: "Customer demo" });
  b.addLeg(demo.call.id, { displayName: "Erin Park", remoteParty: "erin@corp.example", type: "acano" });
  let guest: string | undefined;
  return async () => {
    if (guest) {
      const records = b.removeLeg(guest);
      guest = undefined;
      await deliver(b, records);
    } else {
      const joined = b.addLeg(demo.call.id, { displayName: "Visitor", type: "acano", subType: "webApp", guestConnection: true });
      guest = joined.leg.id;
      await deliver(b, joined.records);
    }
  };
}
