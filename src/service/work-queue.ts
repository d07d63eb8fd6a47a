/**
 * A keyed work queue: at most one run per key at a time, a bounded number of runs overall, and a
 * run asked for while the same key is running is done once more afterwards, never twice in
 * parallel. A new key waits `windowMs` before it runs, so that requests arriving close together
 * (several CDR batches about one meeting) share one run. A failed run is retried with capped
 * exponential backoff and jitter until it succeeds or newer work for the key replaces it.
 */
export interface WorkQueueOptions<T> {
  concurrency: number;
  key: (item: T) => string;
  /**
   * `cause()` describes the requests the run answers: its own, and those made for its key while it
   * runs. Their state was stored before they were made, so the run may have read it and made the
   * change they asked for (the run after it, which they also get, then finds nothing to do): ask
   * for the description when the change is made, not before the run reads.
   */
  run: (item: T, cause: () => string) => Promise<void>;
  onError: (item: T, err: unknown, retryInMs: number) => void;
  /** How long a newly asked-for key waits for more requests before it runs; 0 runs it at once. */
  windowMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  random?: () => number;
  now?: () => number;
}

interface Entry<T> {
  item: T;
  /** Every distinct reason given for this run, oldest first: the run answers all of them. */
  causes: string[];
}

/** Causes named in a run's description; the rest are counted. */
const CAUSES_SHOWN = 3;

export function describeCauses(causes: string[]): string {
  const shown = causes.slice(0, CAUSES_SHOWN).join("; ");
  return causes.length > CAUSES_SHOWN ? `${shown} (+${causes.length - CAUSES_SHOWN} more)` : shown;
}

export function createWorkQueue<T>(opts: WorkQueueOptions<T>) {
  const windowed = new Map<string, Entry<T>>();
  const windowTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const queued = new Map<string, Entry<T>>();
  const again = new Map<string, Entry<T>>();
  const running = new Set<string>();
  const attempts = new Map<string, number>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const failing = new Map<string, { error: string; since: number; attempts: number }>();
  let waiters: (() => void)[] = [];
  const windowMs = opts.windowMs ?? 0;
  const base = opts.retryBaseMs ?? 1000;
  const max = opts.retryMaxMs ?? 60_000;
  const random = opts.random ?? Math.random;
  const now = opts.now ?? Date.now;

  const settle = () => {
    if (windowed.size || queued.size || running.size) return;
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  };

  const pump = () => {
    for (const [key, entry] of queued) {
      if (running.size >= opts.concurrency) return;
      queued.delete(key);
      running.add(key);
      const cause = describeCauses(entry.causes);
      const sinceStarted = () => {
        const later = again.get(key)?.causes.filter((c) => !entry.causes.includes(c)) ?? [];
        return later.length ? describeCauses([...entry.causes, ...later]) : cause;
      };
      void opts
        .run(entry.item, sinceStarted)
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
              timers.set(key, setTimeout(() => { timers.delete(key); add(entry.item, cause); }, delay));
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

  /** Adds a cause to the entry already waiting in `map`; false when there is none. */
  const join = (map: Map<string, Entry<T>>, key: string, item: T, cause: string) => {
    const entry = map.get(key);
    if (!entry) return false;
    entry.item = item;
    if (!entry.causes.includes(cause)) entry.causes.push(cause);
    return true;
  };

  const add = (item: T, cause: string) => {
    const key = opts.key(item);
    const timer = timers.get(key);
    if (timer) {
      clearTimeout(timer);
      timers.delete(key);
    }
    if (join(windowed, key, item, cause) || join(queued, key, item, cause)) return;
    if (running.has(key)) {
      if (!join(again, key, item, cause)) again.set(key, { item, causes: [cause] });
      return;
    }
    const entry = { item, causes: [cause] };
    if (windowMs <= 0) {
      queued.set(key, entry);
      pump();
      return;
    }
    windowed.set(key, entry);
    windowTimers.set(key, setTimeout(() => {
      windowed.delete(key);
      windowTimers.delete(key);
      // Nothing else moves a key that is in its window, so it is neither queued nor running here.
      queued.set(key, entry);
      pump();
    }, windowMs));
  };

  return {
    add,
    /** Resolves once nothing is waiting out its window, queued or running; scheduled retries do not count. */
    idle: () => new Promise<void>((resolve) => {
      waiters.push(resolve);
      settle();
    }),
    status: () => ({
      queued: windowed.size + queued.size + again.size,
      running: running.size,
      retrying: timers.size,
      failing: [...failing].map(([key, f]) => ({ key, ...f })),
    }),
    /** Drops scheduled retries and work still in its window; runs in progress finish. */
    stop() {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      for (const t of windowTimers.values()) clearTimeout(t);
      windowTimers.clear();
      windowed.clear();
      settle();
    },
  };
}
