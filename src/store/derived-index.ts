/**
 * The life of an index the sole writer derives from its call documents instead of storing it
 * (leg-index.ts, meeting-index.ts). It is built once, from the documents, after the sole writer's
 * copy has loaded. Until then a lookup waits for the build; a build that failed is tried again by
 * the next lookup, which fails the same way if it fails again: a batch that cannot be told where
 * a leg or a meeting is must be refused (the CMS sends it again), not stored as if it were unknown.
 *
 * Changes made before the build finishes are remembered by key, and the build takes nothing it
 * read for those keys: what it read may be older than the change. `cleanUp` runs once, after the
 * first build that succeeded (it removes what an older version stored).
 */
export function derivedIndex<T>(
  read: () => Promise<T[]>,
  /** Takes one item the build read into the index; `changed` says whether a key changed since the build began. */
  take: (item: T, changed: (key: string) => boolean) => void,
  cleanUp: () => Promise<void>,
) {
  /** Kept across a failed build, for the next. */
  let touched: Set<string> | undefined = new Set();
  let built: Promise<void> | undefined;

  async function build() {
    const changed = (key: string) => touched!.has(key);
    for (const item of await read()) take(item, changed);
    await cleanUp();
    touched = undefined;
  }

  return {
    /** Resolves once built; starts the build if none is running. */
    ready(): Promise<void> {
      built ??= build().catch((err: unknown) => {
        built = undefined;
        throw err;
      });
      return built;
    },
    /** A change to `key`: before the build has finished, the build leaves that key as the change left it. */
    touch(key: string) {
      touched?.add(key);
    },
  };
}
