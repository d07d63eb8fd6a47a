/**
 * What the Durable Object's leases promise (runtime/worker-store.ts), run inside workerd by the
 * test Worker: one holder per key at a time across services, different keys in parallel, a
 * refusal in time as a StoreError, and an abandoned lease taken over once it expires.
 */
import assert from "node:assert/strict";
import { durableObjectLeases, type LeaseRpc } from "../../src/runtime/worker-leases.ts";
import { StoreError } from "../../src/store/state.ts";

export interface LeaseCase {
  name: string;
  run(stub: () => LeaseRpc): Promise<void>;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A task that takes `ms` and records how many such tasks ever ran at once. */
function overlapProbe(ms: number) {
  let active = 0;
  const probe = {
    most: 0,
    task: async () => {
      probe.most = Math.max(probe.most, ++active);
      await pause(ms);
      active--;
    },
  };
  return probe;
}

export const leaseCases: LeaseCase[] = [
  {
    name: "two services (two requests) never hold one key at once, and both get their turn",
    async run(stub) {
      const [a, b] = [durableObjectLeases(stub), durableObjectLeases(stub)];
      const probe = overlapProbe(30);
      const task = probe.task;
      await Promise.all([a.run("cb-a", task), b.run("cb-a", task), a.run("cb-a", task), b.run("cb-a", task)]);
      assert.equal(probe.most, 1);
    },
  },
  {
    name: "different keys are held in parallel",
    async run(stub) {
      const [a, b] = [durableObjectLeases(stub), durableObjectLeases(stub)];
      const probe = overlapProbe(50);
      await Promise.all([a.run("meeting:m-1", probe.task), b.run("meeting:m-2", probe.task)]);
      assert.equal(probe.most, 2);
    },
  },
  {
    name: "a lease not granted in time is a StoreError, and the holder's task is unaffected",
    async run(stub) {
      const holder = durableObjectLeases(stub);
      const waiter = durableObjectLeases(stub, { waitMs: 40 });
      const held = holder.run("cb-a", () => pause(200).then(() => "done"));
      await pause(10);
      await assert.rejects(waiter.run("cb-a", async () => "never"), StoreError);
      assert.equal(await held, "done");
    },
  },
  {
    name: "a lease its holder abandoned is granted to another once it expires",
    async run(stub) {
      assert.equal(await stub().acquireLease("cb-a", "crashed", 50), true);
      assert.equal(await stub().acquireLease("cb-a", "other", 50), false);
      await pause(80);
      assert.equal(await durableObjectLeases(stub, { waitMs: 500 }).run("cb-a", async () => "mine"), "mine");
    },
  },
];
