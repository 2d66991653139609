/**
 * `Database.open`'s options and their defaults, checked once at open.
 */
import { InvalidArgumentError } from './errors.js';
import type { StorageAdapter } from './storage/adapter.js';

/**
 * When a write's promise resolves:
 * - `'full'` (default): its WAL record is on disk (appended and fdatasync'ed). Survives a power cut.
 * - `'normal'`: its record reached the OS (survives a crash of this process); an fsync follows
 *   within `NORMAL_SYNC_DELAY_MS` (50 ms). A power cut may lose that last window.
 * - `'off'`: at once; records are appended within 50 ms and never fsync'ed by the writer (only
 *   checkpoints and `close()` make data durable). A crash may lose recent commits. Appends are
 *   I/O: a loop of awaited writes that never yields to the event loop defers them until it does.
 *
 * The 50 ms bounds hold while the event loop runs; in `'normal'` mode each append also checks
 * the clock, so a busy writer still fsyncs on time.
 */
export type SyncMode = 'full' | 'normal' | 'off';

export type StorageKind = 'fs' | 'memory';

export interface DatabaseConfig {
  /** Durability of each write; default `'full'`. */
  syncMode?: SyncMode;
  /** Commits waiting at the same time share one append + one fsync; default true. */
  groupCommit?: boolean;
  /** Checkpoint when the engine's memtable passes this many bytes; default 64 MiB. */
  memtableSizeBytes?: number;
  /**
   * Default true. False: commits write no WAL and are visible at once; data is persisted only by
   * checkpoints (automatic ones, `checkpoint()`) and `close()`. A crash loses everything since the
   * last checkpoint.
   */
  walEnabled?: boolean;
  /** `'fs'` (default): files in the directory `path`. `'memory'`: nothing is persisted. */
  storage?: StorageKind;
  /** A storage adapter to use instead of `storage`. Node's synchronous open needs its sync extension. */
  adapter?: StorageAdapter;
  /** The engine file; default `SOCHDB_WASM_PATH` or the file shipped with the package. */
  wasmPath?: string;
  /**
   * Writes fail with `OUT_OF_MEMORY` (nothing written; deletes still work) once the database's
   * data takes more than this many bytes of engine memory. Default 3.5 GiB: under WebAssembly's
   * 4 GiB cap, with room to open the database again. Lower it where browsers give less.
   */
  memoryLimitBytes?: number;
}

export interface ResolvedConfig {
  syncMode: SyncMode;
  groupCommit: boolean;
  memtableSizeBytes: number;
  walEnabled: boolean;
  storage: StorageKind | 'custom';
  /** Undefined: the engine's default. */
  memoryLimitBytes?: number;
}

export const MEMTABLE_SIZE_BYTES_DEFAULT = 64 * 1024 * 1024;
/** In `'normal'` sync mode, the longest an appended record waits for its fsync. */
export const NORMAL_SYNC_DELAY_MS = 50;
/** In `'off'` sync mode, the longest a commit waits before its record is appended. */
export const OFF_APPEND_DELAY_MS = 50;
/**
 * In `'off'` sync mode, pending WAL bytes that trigger an append at once: a loop of awaited
 * writes never yields to timers, and the pending WAL must not grow without bound meanwhile.
 */
export const OFF_APPEND_BYTES_MAX = 1024 * 1024;

const SYNC_MODES: readonly SyncMode[] = ['full', 'normal', 'off'];
const STORAGE_KINDS: readonly StorageKind[] = ['fs', 'memory'];

export function resolveConfig(config: DatabaseConfig = {}): ResolvedConfig {
  if (typeof config !== 'object' || config === null) {
    throw new InvalidArgumentError('Database.open(path, config): config must be an object.');
  }
  const { syncMode = 'full', groupCommit = true, walEnabled = true, storage = 'fs' } = config;
  const memtableSizeBytes = config.memtableSizeBytes ?? MEMTABLE_SIZE_BYTES_DEFAULT;
  if (!SYNC_MODES.includes(syncMode)) {
    throw new InvalidArgumentError(`syncMode must be one of ${SYNC_MODES.join(', ')}; got ${String(syncMode)}.`);
  }
  if (!STORAGE_KINDS.includes(storage)) {
    throw new InvalidArgumentError(`storage must be one of ${STORAGE_KINDS.join(', ')}; got ${String(storage)}.`);
  }
  if (typeof groupCommit !== 'boolean' || typeof walEnabled !== 'boolean') {
    throw new InvalidArgumentError('groupCommit and walEnabled must be booleans.');
  }
  if (!Number.isSafeInteger(memtableSizeBytes) || memtableSizeBytes <= 0) {
    throw new InvalidArgumentError(`memtableSizeBytes must be a positive integer; got ${String(memtableSizeBytes)}.`);
  }
  const { memoryLimitBytes } = config;
  if (memoryLimitBytes !== undefined && (!Number.isSafeInteger(memoryLimitBytes) || memoryLimitBytes <= 0)) {
    throw new InvalidArgumentError(`memoryLimitBytes must be a positive integer; got ${String(memoryLimitBytes)}.`);
  }
  const resolved: ResolvedConfig = { syncMode, groupCommit, memtableSizeBytes, walEnabled, storage: config.adapter ? 'custom' : storage };
  if (memoryLimitBytes !== undefined) resolved.memoryLimitBytes = memoryLimitBytes;
  return resolved;
}
