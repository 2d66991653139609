/**
 * Starts a database's engine over an adapter whose lock is held: instantiates the engine, runs
 * the open sequence (`open.ts`), and wires the WAL writer and the `DatabaseCore`. One version per
 * open driver: synchronous for Node's `Database.open`, async for browser storage.
 */
import type { ResolvedConfig } from './config.js';
import { DatabaseCore } from './core.js';
import { EngineInstance, INIT_VISIBLE_ON_COMMIT, INIT_WAL_ENABLED } from './engine/abi.js';
import type { SochDBError } from './errors.js';
import { openAsync, openSync } from './open.js';
import type { StorageAdapter, SyncStorageAdapter } from './storage/adapter.js';
import { WalWriter } from './wal-writer.js';

export function startCoreSync(module: WebAssembly.Module, adapter: SyncStorageAdapter, path: string, resolved: ResolvedConfig): DatabaseCore {
  const start = startEngine(module);
  const { walFile } = openSync(start.engine, adapter, initFlags(resolved));
  return start.finish(adapter, walFile, path, resolved);
}

export async function startCoreAsync(
  module: WebAssembly.Module,
  adapter: StorageAdapter,
  path: string,
  resolved: ResolvedConfig,
): Promise<DatabaseCore> {
  const start = startEngine(module);
  const { walFile } = await openAsync(start.engine, adapter, initFlags(resolved));
  return start.finish(adapter, walFile, path, resolved);
}

/** The engine, and how to build the core once the open sequence named the WAL file. */
function startEngine(module: WebAssembly.Module) {
  let core: DatabaseCore | null = null;
  // A trap before the core exists surfaces as the open's own exception.
  const onFatal = (error: SochDBError): void => core?.fail(error);
  const engine = new EngineInstance(module, onFatal);
  const finish = (adapter: StorageAdapter, walFile: string, path: string, resolved: ResolvedConfig): DatabaseCore => {
    if (resolved.memoryLimitBytes !== undefined) engine.setMemoryLimit(resolved.memoryLimitBytes);
    const writer = new WalWriter(engine, adapter, { ...resolved, walFile, onFatal });
    core = new DatabaseCore(engine, writer, adapter, path, resolved);
    return core;
  };
  return { engine, finish };
}

function initFlags(resolved: ResolvedConfig): number {
  // Without a WAL, or when commits need not wait for it, a commit is visible at once.
  const visibleOnCommit = !resolved.walEnabled || resolved.syncMode === 'off';
  return (resolved.walEnabled ? INIT_WAL_ENABLED : 0) | (visibleOnCommit ? INIT_VISIBLE_ON_COMMIT : 0);
}
