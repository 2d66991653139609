/**
 * Node's `Database`: the SochDB API (`EngineDatabase`) with a synchronous `open` that runs the
 * engine in-process on the fs adapter (as upstream); `await Database.open(...)` works too.
 */
import { FsAdapter } from '../../node-adapter/src/fs-adapter.js';
import { type DatabaseConfig, resolveConfig } from './config.js';
import { startCoreSync } from './core-open.js';
import type { DatabaseCore } from './core.js';
import { EngineDatabase } from './engine-database.js';
import { engineModule, resolveWasmPath } from './engine/module.js';
import { InvalidArgumentError, SochDBError, StorageError } from './errors.js';
import { isSyncStorageAdapter, type StorageAdapter, type SyncStorageAdapter } from './storage/adapter.js';
import { MemoryAdapter } from './storage/memory-adapter.js';

export class Database extends EngineDatabase {
  private constructor(core: DatabaseCore) {
    super(core);
  }

  /**
   * Opens (creating if missing) the database in directory `path`: takes its lock, loads the last
   * checkpoint and replays the WAL. Throws `DatabaseLockedError` if it is open elsewhere (in this
   * or another process) and `CorruptionError` if a stored file is damaged.
   */
  static open(path: string, config: DatabaseConfig = {}): Database {
    if (typeof path !== 'string' || path.length === 0) {
      throw new InvalidArgumentError("Database.open(path) takes a directory path, e.g. Database.open('./my_db').");
    }
    const resolved = resolveConfig(config);
    const adapter = pickAdapter(path, config);
    const module = engineModule(resolveWasmPath(config.wasmPath));
    lockDirectory(adapter, path);
    try {
      return new Database(startCoreSync(module, adapter, path, resolved));
    } catch (e) {
      adapter.unlockSync();
      throw e;
    }
  }
}

/** Takes the adapter's lock; a raw I/O failure (e.g. `path` is a file) becomes a `StorageError`. */
function lockDirectory(adapter: SyncStorageAdapter, path: string): void {
  try {
    adapter.lockSync();
  } catch (e) {
    if (e instanceof SochDBError) throw e;
    const reason = e instanceof Error ? e.message : String(e);
    throw new StorageError(`Cannot open the database directory ${path}: ${reason}. Check that it is a writable directory.`, { cause: e });
  }
}

function pickAdapter(path: string, config: DatabaseConfig): SyncStorageAdapter {
  const adapter: StorageAdapter = config.adapter ?? (config.storage === 'memory' ? new MemoryAdapter() : new FsAdapter(path));
  if (!isSyncStorageAdapter(adapter)) {
    throw new InvalidArgumentError(
      'Database.open is synchronous in Node and needs an adapter with the synchronous extension ' +
        '(lockSync, listSync, readIntoSync, writeAtomicSync, truncateSync, removeSync, unlockSync).',
    );
  }
  return adapter;
}
