/**
 * The usual scenario fixture: a simulated cluster and one service instance on the runtime under
 * test, started before the file's tests and stopped after them. Read `sim` and `svc` inside tests.
 */
import { after, before } from "node:test";
import { startService, type ServiceProcess } from "./service-process.ts";
import { startSimCluster, type ServedCluster } from "./sim-cluster.ts";

export interface Scenario {
  sim: ServedCluster;
  svc: ServiceProcess;
}

export function useScenario(nodes: string[], env: Record<string, string> = {}): Scenario {
  const s = {} as Scenario;
  before(async () => {
    s.sim = await startSimCluster(nodes);
    s.svc = await startService({ ...s.sim.env, STORAGE: "memory", ...env });
  });
  after(async () => {
    await s.svc?.stop();
    await s.sim?.close();
  });
  return s;
}
