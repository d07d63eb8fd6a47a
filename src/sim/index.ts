/** The CMS simulator: a fake Call Bridge cluster with its REST API and CDR stream. */
export { createSimCluster, linkNodes } from "./cluster.ts";
export { ConnectionReset } from "./faults.ts";
export { postCdr } from "./cdr.ts";
export { serveSimNode, type ServedNode, type ServeOptions } from "./serve.ts";
export type {
  FailureRule,
  RequestStats,
  SimCall,
  SimCluster,
  SimClusterOptions,
  SimLeg,
  SimLegInput,
  SimLegOptions,
  SimMessage,
  SimNode,
} from "./types.ts";
