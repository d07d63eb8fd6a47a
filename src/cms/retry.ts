/**
 * The retry policy, explicit as in ofetch: a bounded number of attempts with exponential
 * backoff and full jitter (a random wait between 0 and the capped exponential), so that
 * several instances backing off from one busy node do not come back in lock-step.
 */
import { retryable } from "./errors.ts";

export interface RetryPolicy {
  /** Total attempts, the first one included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RetryDeps {
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

/** The wait before attempt `attempt + 1`, after `attempt` (1-based) has failed. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Runs `attempt(n)` until it succeeds, fails with an error `shouldRetry` refuses, or the
 * attempts run out; the last error is thrown as it is.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  deps: RetryDeps,
  attempt: (n: number) => Promise<T>,
  shouldRetry: (err: unknown) => boolean = retryable,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (n >= policy.attempts || !shouldRetry(err)) throw err;
      await deps.sleep(backoffDelay(policy, n, deps.random));
    }
  }
}
