/**
 * Work on items that arrive a few at a time (a list read page by page), by a fixed number of
 * workers that start on each item as soon as it is there: a worker with nothing to do waits
 * while more may come. `work` must not throw; what it cannot do it reports itself.
 */
export interface FedQueue<T> {
  /** More items, worked on after those already here. */
  add(items: readonly T[]): void;
  /** No more items will come; the workers finish what is here. */
  end(): void;
  /** No more items will come, and those not yet started are not: they are handed back. */
  cancel(): T[];
  /** Settles once every worker has stopped. */
  done: Promise<void>;
}

export function createFedQueue<T>(workers: number, work: (item: T) => Promise<void>): FedQueue<T> {
  const queue: T[] = [];
  let next = 0;
  let open = true;
  let waiting: (() => void)[] = [];
  const wake = () => {
    const woken = waiting;
    waiting = [];
    for (const resume of woken) resume();
  };
  const worker = async () => {
    for (;;) {
      if (next < queue.length) await work(queue[next++]!);
      else if (open) await new Promise<void>((resume) => waiting.push(resume));
      else return;
    }
  };
  const done = Promise.all(Array.from({ length: workers }, worker)).then(() => undefined);
  return {
    add(items) {
      for (const item of items) queue.push(item);
      wake();
    },
    end() {
      open = false;
      wake();
    },
    cancel() {
      open = false;
      const unstarted = queue.splice(next);
      wake();
      return unstarted;
    },
    done,
  };
}
