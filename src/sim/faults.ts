/** Injected failures: rules that match a request, fire a number of times, then disappear. */
import type { FailureRule } from "./types.ts";

export interface FaultList {
  add(rule: FailureRule): void;
  clear(): void;
  /** The first rule matching the request, counted as fired. */
  take(method: string, path: string): FailureRule | undefined;
}

export function createFaultList(): FaultList {
  let rules: { rule: FailureRule; left: number }[] = [];
  return {
    add(rule) {
      rules.push({ rule, left: rule.times ?? 1 });
    },
    clear() {
      rules = [];
    },
    take(method, path) {
      const hit = rules.find(({ rule }) => matches(rule, method, path));
      if (!hit) return undefined;
      hit.left -= 1;
      if (hit.left <= 0) rules = rules.filter((r) => r !== hit);
      return hit.rule;
    },
  };
}

function matches(rule: FailureRule, method: string, path: string): boolean {
  if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) return false;
  if (rule.path === undefined) return true;
  // A global or sticky RegExp keeps lastIndex between tests; reset it so every request is judged alone.
  rule.path.lastIndex = 0;
  return rule.path.test(path);
}

/**
 * Thrown instead of answering when a rule says `reset`. It is a TypeError because that is what
 * `fetch` rejects with on a network failure, so code calling `node.fetch` directly sees the same;
 * `serveSimNode` turns it into a destroyed connection.
 */
export class ConnectionReset extends TypeError {
  constructor() {
    super("sim: connection reset");
    this.name = "ConnectionReset";
  }
}
