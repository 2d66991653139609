/**
 * The part of the public API that is the same in Node and in browsers: types, the query builder,
 * the path codec and the error classes. Both entry files re-export it, so the two lists cannot
 * drift apart. Re-exports only; nothing runs at import.
 */
export type { TransactionState } from './transaction.js';
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
export { encodePath, decodePath } from './path.js';
export type { SyncMode } from './config.js';
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
