/**
 * A keyed work queue: at most one run per key at a time, a bounded number of runs overall, and a
 * run asked for while the same key is running is done once more afterwards (with the newest
 * cause), never twice in parallel. A failed run is retried with capped exponential backoff and
 * jitter until it succeeds or newer work for the key replaces it.
 */
export interface WorkQueueOptions<T> {
  concurrency: number;
  key: (item: T) => string;
  run: (item: T, cause: string) => Promise<void>;
  onError: (item: T, err: unknown, retryInMs: number) => void;
  retryBaseMs?: number;
  retryMaxMs?: number;
  random?: () => number;
  now?: () => number;
}

interface Entry<T> {
  item: T;
  cause: string;
}

export function createWorkQueue<T>(opts: WorkQueueOptions<T>) {
  const queued = new Map<string, Entry<T>>();
  const again = new Map<string, Entry<T>>();
  const running = new Set<string>();
  const attempts = new Map<string, number>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const failing = new Map<string, { error: string; since: number; attempts: number }>();
  let waiters: (() => void)[] = [];
  const base = opts.retryBaseMs ?? 1000;
  const max = opts.retryMaxMs ?? 60_000;
  const random = opts.random ?? Math.random;
  const now = opts.now ?? Date.now;

  const settle = () => {
    if (queued.size || running.size) return;
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  };

  const pump = () => {
    for (const [key, entry] of queued) {
      if (running.size >= opts.concurrency) return;
      queued.delete(key);
      running.add(key);
      void opts
        .run(entry.item, entry.cause)
        .then(
          () => {
            attempts.delete(key);
            failing.delete(key);
          },
          (err) => {
            const n = (attempts.get(key) ?? 0) + 1;
            attempts.set(key, n);
            const delay = Math.round(Math.min(max, base * 2 ** (n - 1)) * (0.5 + random() / 2));
            failing.set(key, { error: err instanceof Error ? err.message : String(err), since: failing.get(key)?.since ?? now(), attempts: n });
            opts.onError(entry.item, err, delay);
            if (!again.has(key)) {
              timers.set(key, setTimeout(() => { timers.delete(key); add(entry.item, entry.cause); }, delay));
            }
          },
        )
        .finally(() => {
          running.delete(key);
          const next = again.get(key);
          if (next) {
            again.delete(key);
            queued.set(key, next);
          }
          pump();
          settle();
        });
    }
  };

  const add = (item: T, cause: string) => {
    const key = opts.key(item);
    const timer = timers.get(key);
    if (timer) {
      clearTimeout(timer);
      timers.delete(key);
    }
    (running.has(key) ? again : queued).set(key, { item, cause });
    pump();
  };

  return {
    add,
    /** Resolves once nothing is queued or running; scheduled retries do not count. */
    idle: () => new Promise<void>((resolve) => {
      waiters.push(resolve);
      settle();
    }),
    status: () => ({
      queued: queued.size + again.size,
      running: running.size,
      retrying: timers.size,
      failing: [...failing].map(([key, f]) => ({ key, ...f })),
    }),
    stop() {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}
