/**
 * @sochdb/sochdb: SochDB's embedded key-value API (Node). Re-exports only; nothing runs at import.
 */
export { Database } from './database.js';
export { Transaction, type TransactionState } from './transaction.js';
export { QueryBuilder } from './query.js';
export { ScanIterator } from './scan-iterator.js';
export { encodePath, decodePath } from './path.js';
export { MemoryAdapter } from './storage/memory-adapter.js';
export { FsAdapter } from '../../node-adapter/src/fs-adapter.js';
export type { StorageAdapter, SyncStorageAdapter } from './storage/adapter.js';
export type { DatabaseConfig, ResolvedConfig, StorageKind, SyncMode } from './config.js';
export type { Bytes, DatabaseStats, KeyValue, WalWriterStats, WithTransactionOptions } from './types.js';
export type { EngineStats } from './engine/outputs.js';
export {
  CorruptionError,
  DatabaseClosedError,
  DatabaseError,
  DatabaseLockedError,
  InvalidArgumentError,
  SochDBError,
  StorageError,
  TransactionConflictError,
  TransactionError,
} from './errors.js';
