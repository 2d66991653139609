/**
 * The storage contract: one adapter serves one database directory, whose unit is a named file
 * (flat names, no folders). The engine does no I/O; the host persists what it hands out through
 * this interface. Every adapter passes the one conformance suite (`tests/unit/adapter-conformance.ts`).
 *
 * Durability promises, which the WAL writer and checkpoints rely on:
 * - `append` reaches the OS (survives a process crash) when its promise resolves;
 * - `flush(name)` makes everything appended to `name` survive a machine crash;
 * - `writeAtomic` replaces the whole file so that a crash leaves either the old or the new
 *   content, durably, including the directory entry;
 * - `truncate` and `remove` are durable when they resolve.
 */
export interface StorageAdapter {
  /** A short name for `stats()`: `'fs'`, `'memory'`, ... */
  readonly kind: string;
  /** Takes the database's exclusive lock; throws `DatabaseLockedError` if another holder has it. */
  lock(): Promise<void>;
  /** Releases the lock taken by `lock`; a no-op when not held. */
  unlock(): Promise<void>;
  /** Names of the files present, in no particular order. */
  list(): Promise<string[]>;
  /** The whole file, or null when it does not exist. */
  read(name: string): Promise<Uint8Array | null>;
  /** Appends `data`, creating the file when missing. */
  append(name: string, data: Uint8Array): Promise<void>;
  /** Makes every byte appended to `name` durable (fdatasync). */
  flush(name: string): Promise<void>;
  /** Replaces the file's content atomically and durably (temp file, fsync, rename). */
  writeAtomic(name: string, data: Uint8Array): Promise<void>;
  /** Cuts the file to `length` bytes. */
  truncate(name: string, length: number): Promise<void>;
  /** Deletes the file; a no-op when it does not exist. */
  remove(name: string): Promise<void>;
  /** Releases open handles (not the lock). The adapter may be used again afterwards. */
  close(): Promise<void>;
}

/**
 * The synchronous extension used by Node's synchronous `Database.open` (and by nothing on a hot
 * path). Same semantics as the async methods.
 */
export interface SyncStorageAdapter extends StorageAdapter {
  lockSync(): void;
  unlockSync(): void;
  listSync(): string[];
  /**
   * Reads the whole file into memory that `alloc(length)` returns (e.g. engine memory, to avoid a
   * copy) and returns the length, or null when the file does not exist. `alloc` is called once.
   */
  readIntoSync(name: string, alloc: (length: number) => Uint8Array): number | null;
  writeAtomicSync(name: string, data: Uint8Array): void;
  truncateSync(name: string, length: number): void;
  removeSync(name: string): void;
}

/** Whether `adapter` has the synchronous extension. */
export function isSyncStorageAdapter(adapter: StorageAdapter): adapter is SyncStorageAdapter {
  const a = adapter as Partial<SyncStorageAdapter>;
  return (
    typeof a.lockSync === 'function' &&
    typeof a.unlockSync === 'function' &&
    typeof a.listSync === 'function' &&
    typeof a.readIntoSync === 'function' &&
    typeof a.writeAtomicSync === 'function' &&
    typeof a.truncateSync === 'function' &&
    typeof a.removeSync === 'function'
  );
}
