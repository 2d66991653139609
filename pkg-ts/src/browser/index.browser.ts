/**
 * @sochdb/sochdb in browsers (the `browser` export condition): `await Database.open(name)` runs
 * the engine in a dedicated worker on OPFS (else IndexedDB). Re-exports only; nothing runs at
 * import.
 */
export { Database, type BrowserDatabaseConfig, type BrowserDatabaseStats } from './remote-database.js';
export { RemoteTransaction as Transaction } from './remote-transaction.js';
export { RemoteNamespace as Namespace, RemoteCollection as Collection } from './remote-namespace.js';
export { RemoteScan as ScanIterator } from './remote-scan.js';
export type { BrowserStorageKind } from './worker-protocol.js';
export type { TransactionState } from '../transaction.js';
export { DistanceMetric } from '../distance-metric.js';
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
} from '../collection-types.js';
export { QueryBuilder } from '../query.js';
export { encodePath, decodePath } from '../path.js';
export type { SyncMode } from '../config.js';
export type { Bytes, DatabaseStats, KeyValue, WalWriterStats, WithTransactionOptions } from '../types.js';
export type { EngineStats } from '../engine/outputs.js';
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
} from '../errors.js';
