/**
 * Web Locks, held for as long as a promise says: the database's lock (one holder per database
 * across tabs and workers) and the worker's "alive" lock, which the main thread waits on to learn
 * that the worker died (a lock is released when its holder's context goes away).
 */

/** Releases a held lock. */
export type ReleaseLock = () => void;

/**
 * Takes `name` exclusively. Resolves with its release function, or with null when another holder
 * has it and `wait` is false. With `wait`, queues until the holder releases it.
 */
export function holdLock(name: string, wait: boolean): Promise<ReleaseLock | null> {
  const locks = webLocks();
  return new Promise<ReleaseLock | null>((resolve, reject) => {
    locks
      .request(name, { mode: 'exclusive', ifAvailable: !wait }, (lock) => {
        if (lock === null) {
          resolve(null);
          return undefined;
        }
        // The lock is held until this promise settles.
        return new Promise<void>((release) => resolve(() => release()));
      })
      .catch(reject);
  });
}

/** Resolves when `name` can be taken, i.e. once its holder is gone; takes and drops it at once. */
export function whenLockFree(name: string): Promise<void> {
  return webLocks().request(name, { mode: 'exclusive' }, () => undefined);
}

function webLocks(): LockManager {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (locks === undefined) {
    throw new Error('This browser has no Web Locks API (navigator.locks), which SochDB needs to keep tabs from corrupting a database.');
  }
  return locks;
}
