import assert from "node:assert/strict";
import { test } from "node:test";
import { createFedQueue } from "../../src/service/fed-queue.ts";

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

test("a fed queue works on each item as it comes, with no more workers than it was given", async () => {
  const started: number[] = [];
  const release: (() => void)[] = [];
  let running = 0;
  let peak = 0;
  const q = createFedQueue<number>(2, async (n) => {
    started.push(n);
    peak = Math.max(peak, ++running);
    await new Promise<void>((resolve) => release.push(resolve));
    running--;
  });
  await tick();
  assert.deepEqual(started, [], "nothing to do yet: the workers wait");
  q.add([1, 2, 3]);
  await tick();
  assert.deepEqual(started, [1, 2], "two at a time");
  release.shift()!();
  await tick();
  assert.deepEqual(started, [1, 2, 3]);
  q.add([4]);
  q.end();
  while (release.length) {
    release.shift()!();
    await tick();
  }
  await q.done;
  assert.deepEqual(started, [1, 2, 3, 4], "what came before the end is worked on, in order");
  assert.equal(peak, 2);
});

test("a cancelled fed queue hands back what it had not started and stops", async () => {
  const started: string[] = [];
  let finish!: () => void;
  const q = createFedQueue<string>(1, async (s) => {
    started.push(s);
    await new Promise<void>((resolve) => (finish = resolve));
  });
  q.add(["a", "b", "c"]);
  await tick();
  assert.deepEqual(q.cancel(), ["b", "c"]);
  finish();
  await q.done;
  assert.deepEqual(started, ["a"], "the item in hand is finished, no other is started");
});
