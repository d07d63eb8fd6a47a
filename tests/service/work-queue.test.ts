/**
 * The keyed work queue: a window that lets close requests share a run, one run per key at a time,
 * one more run for what was asked during a run, retries, and an idle() that counts a key waiting
 * out its window as pending (Workers keep a request alive on it; graceful stop drains on it).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createWorkQueue } from "../../src/service/work-queue.ts";
import { eventually, sleep } from "../helpers/wait.ts";

interface Run {
  key: string;
  /** The run's description when it started, and when it ended. */
  cause: string;
  causeAtEnd?: string;
  startedAt: number;
}

function recordingQueue(opts: { windowMs: number; runMs?: number; fail?: (n: number) => boolean }) {
  const runs: Run[] = [];
  let active = 0;
  let maxActive = 0;
  const queue = createWorkQueue<string>({
    concurrency: 4,
    windowMs: opts.windowMs,
    retryBaseMs: 20,
    random: () => 1,
    key: (k) => k,
    onError: () => {},
    run: async (key, cause) => {
      const run: Run = { key, cause: cause(), startedAt: performance.now() };
      runs.push(run);
      active++;
      maxActive = Math.max(maxActive, active);
      await sleep(opts.runMs ?? 0);
      run.causeAtEnd = cause();
      active--;
      if (opts.fail?.(runs.length)) throw new Error("refused");
    },
  });
  return { queue, runs, maxActive: () => maxActive };
}

test("requests within the window share one run, which names each reason once", async () => {
  const { queue, runs } = recordingQueue({ windowMs: 50 });
  const t0 = performance.now();
  queue.add("m1", "guest joined");
  queue.add("m1", "room joined");
  queue.add("m1", "guest joined");
  queue.add("m2", "call started");
  assert.equal(runs.length, 0, "nothing runs before the window ends");
  await queue.idle();
  assert.deepEqual(runs.map((r) => [r.key, r.cause]), [["m1", "guest joined; room joined"], ["m2", "call started"]]);
  assert.ok(runs[0]!.startedAt - t0 >= 45, `ran ${(runs[0]!.startedAt - t0).toFixed(0)} ms after the first request`);
});

test("a request after the window has passed causes another run", async () => {
  const { queue, runs } = recordingQueue({ windowMs: 20 });
  queue.add("m1", "first");
  await queue.idle();
  queue.add("m1", "second");
  await queue.idle();
  assert.deepEqual(runs.map((r) => r.cause), ["first", "second"]);
});

test("idle() waits for a key that is still in its window", async () => {
  const { queue, runs } = recordingQueue({ windowMs: 60 });
  const order: string[] = [];
  queue.add("m1", "pending");
  assert.equal(queue.status().queued, 1);
  await queue.idle().then(() => order.push(`idle after ${runs.length} run(s)`));
  assert.deepEqual(order, ["idle after 1 run(s)"]);
  assert.equal(queue.status().queued, 0);
});

test("requests during a run cause exactly one more run, after it and never beside it", async () => {
  const { queue, runs, maxActive } = recordingQueue({ windowMs: 10, runMs: 100 });
  queue.add("m1", "a");
  await eventually(() => runs.length === 1, { intervalMs: 2, what: "the first run under way" });
  queue.add("m1", "b");
  queue.add("m1", "c");
  await queue.idle();
  assert.deepEqual(runs.map((r) => r.cause), ["a", "b; c"]);
  assert.equal(maxActive(), 1);
  // The first run may have read what b and c stored, so once they came it names them too.
  assert.deepEqual(runs.map((r) => r.causeAtEnd), ["a; b; c", "b; c"]);
});

test("a window of 0 starts the run at once", () => {
  const { queue, runs } = recordingQueue({ windowMs: 0 });
  queue.add("m1", "now");
  assert.equal(runs.length, 1);
});

test("a failed run is retried with its reasons; the retry does not count as pending", async () => {
  const { queue, runs } = recordingQueue({ windowMs: 10, fail: (n) => n === 1 });
  queue.add("m1", "x");
  queue.add("m1", "y");
  await queue.idle();
  assert.equal(queue.status().retrying, 1);
  await eventually(() => runs.length === 2, { what: "the retry" });
  await queue.idle();
  assert.deepEqual(runs.map((r) => r.cause), ["x; y", "x; y"]);
  assert.equal(queue.status().failing.length, 0);
});

test("more than three reasons are counted, not listed", async () => {
  const { queue, runs } = recordingQueue({ windowMs: 10 });
  for (const c of ["a", "b", "c", "d", "e"]) queue.add("m1", c);
  await queue.idle();
  assert.equal(runs[0]!.cause, "a; b; c (+2 more)");
});

test("stop() drops work still in its window and lets idle() settle", async () => {
  const { queue, runs } = recordingQueue({ windowMs: 1000 });
  queue.add("m1", "late");
  const idle = queue.idle();
  queue.stop();
  await idle;
  await sleep(20);
  assert.equal(runs.length, 0);
});
