/**
 * Group commit for the fs store: the writes issued in the same turn of the event loop, or while an
 * append is in flight, go out together as one append. A file append costs a system call and a
 * trip through libuv's thread pool whatever its size, so this is what lets one journal take
 * thousands of writes a second.
 *
 * Order is kept: groups are appended one at a time, and a group holds its writes in the order
 * they were issued. A caller's write resolves only after its group is on disk.
 *
 * When an append fails, every write queued behind it is refused too. Those were issued before
 * anyone could know of the failure, and letting them land would break the order callers rely on
 * (the unit of work writes pointers, then documents, then meeting lists).
 */
import { setImmediate } from "node:timers";
import type { JournalOp } from "./fs-journal-format.ts";

export interface GroupCommit {
  write(ops: JournalOp[]): Promise<void>;
  /** Runs `task` between two appends, with none in flight. */
  exclusive(task: () => Promise<void>): Promise<void>;
  /** Resolves once everything issued so far has been written or refused. */
  idle(): Promise<void>;
}

interface Waiter {
  ops: JournalOp[];
  resolve(): void;
  reject(err: unknown): void;
}

interface Task {
  run(): Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

/** `commit` appends one group and applies it; it throws if the group is not on disk. */
export function groupCommit(commit: (ops: JournalOp[]) => Promise<void>): GroupCommit {
  const queue: Waiter[] = [];
  const tasks: Task[] = [];
  let running: Promise<void> | undefined;

  function kick() {
    if (running) return;
    // One macrotask later: every write issued in this turn joins the first group.
    running = new Promise<void>((r) => setImmediate(r))
      .then(drain)
      .finally(() => {
        running = undefined;
        if (queue.length || tasks.length) kick();
      });
  }

  async function drain() {
    while (queue.length || tasks.length) {
      const task = tasks.shift();
      if (task) {
        await task.run().then(task.resolve, task.reject);
        continue;
      }
      const group = queue.splice(0);
      try {
        await commit(group.length === 1 ? group[0]!.ops : group.flatMap((w) => w.ops));
      } catch (err) {
        for (const w of [...group, ...queue.splice(0)]) w.reject(err);
        continue;
      }
      for (const w of group) w.resolve();
    }
  }

  return {
    write(ops) {
      return new Promise((resolve, reject) => {
        queue.push({ ops, resolve, reject });
        kick();
      });
    },
    exclusive(run) {
      return new Promise((resolve, reject) => {
        tasks.push({ run, resolve, reject });
        kick();
      });
    },
    async idle() {
      while (running) await running;
    },
  };
}
