/**
 * @sochdb/sochdb: SochDB's embedded key-value and vector collection API (Node). Re-exports only; nothing runs at import.
 */
export { Database } from './database.js';
export { Transaction } from './transaction.js';
export { Namespace } from './namespace.js';
export { Collection } from './collection.js';
export { ScanIterator } from './scan-iterator.js';
export { MemoryAdapter } from './storage/memory-adapter.js';
export { FsAdapter } from '../../node-adapter/src/fs-adapter.js';
export type { StorageAdapter, SyncStorageAdapter } from './storage/adapter.js';
export type { DatabaseConfig, ResolvedConfig, StorageKind } from './config.js';
export * from './public-api.js';
