/**
 * Runs tasks one at a time per key, different keys in parallel. The key is a nodeKey: the records
 * of one Call Bridge form one ordered stream, and everything that rewrites that node's documents
 * (intake, the applier learning a call, the reconciler) takes its turn here. It orders work within
 * one process only; across processes the store's own atomic operations must do it.
 */
export function createKeyedMutex() {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(task, task);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
  };
}

export type KeyedMutex = ReturnType<typeof createKeyedMutex>;
