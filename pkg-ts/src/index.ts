/**
 * @sochdb/sochdb: SochDB's embedded key-value and vector collection API (Node). Re-exports only; nothing runs at import.
 */
export { Database } from './database.js';
export { Transaction, type TransactionState } from './transaction.js';
export { Namespace } from './namespace.js';
export { Collection } from './collection.js';
export { DistanceMetric } from './distance-metric.js';
export type {
  BatchInsertRequest,
  CollectionConfig,
  CollectionInfo,
  CollectionOptions,
  Document,
  InsertRequest,
  Metadata,
  NamespaceConfig,
  NamespaceInfo,
  Quantization,
  SearchFilter,
  SearchRequest,
  SearchResult,
  VectorInput,
} from './collection-types.js';
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
  CollectionExistsError,
  CollectionNotFoundError,
  CorruptionError,
  DatabaseClosedError,
  DatabaseError,
  DatabaseLockedError,
  DimensionMismatchError,
  DocumentExistsError,
  InvalidArgumentError,
  NamespaceExistsError,
  NamespaceNotFoundError,
  SochDBError,
  StorageError,
  StorageQuotaError,
  TransactionConflictError,
  TransactionError,
  WorkerDiedError,
} from './errors.js';
