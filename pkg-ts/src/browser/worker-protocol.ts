/**
 * What crosses between the main thread's `Database` and the engine worker: the options of an
 * open, and the API the worker exposes through Comlink (`EngineHostApi`). Comlink carries the
 * calls; this file is the contract both sides compile against.
 *
 * Handles: the main thread picks the ids of transactions and scans itself (counters of its own)
 * and sends them with `txnBegin` / `scanOpen`. Comlink delivers calls in order, so later calls can
 * name a handle at once, and `beginTransaction()` / `scan()` stay synchronous as in Node.
 */
import type {
  BatchInsertRequest,
  CollectionConfig,
  CollectionInfo,
  CollectionOptions,
  Document,
  InsertRequest,
  NamespaceConfig,
  NamespaceInfo,
  SearchRequest,
  SearchResult,
} from '../collection-types.js';
import type { SyncMode } from '../config.js';
import type { DatabaseStats } from '../types.js';

/** Where a browser database keeps its files. */
export type BrowserStorageKind = 'opfs' | 'indexeddb' | 'memory';

export interface WorkerOpenOptions {
  name: string;
  /** Unset: OPFS where the worker has sync access handles, else IndexedDB. */
  storage?: BrowserStorageKind;
  wasmUrl: string;
  /** `'refuse'`: another tab holding the database makes the open fail; `'wait'`: queue for it. */
  lock: 'refuse' | 'wait';
  syncMode?: SyncMode;
  groupCommit?: boolean;
  memtableSizeBytes?: number;
  walEnabled?: boolean;
}

export interface WorkerOpenResult {
  storage: BrowserStorageKind;
}

/** One batch of a scan: `(klen u32 | vlen u32 | key | value) * count`, little-endian, transferred. */
export interface ScanBatch {
  packed: Uint8Array;
  count: number;
  /** No pairs follow; the worker closed the cursor already. */
  done: boolean;
}

/**
 * A transaction's buffered writes, as `txnApply` takes them: `(op u8 | klen u32 | vlen u32 | key |
 * value) * count`, little-endian, in one transferred buffer. `op` is `WRITE_PUT` or `WRITE_DELETE`
 * (whose `vlen` is 0).
 */
export const WRITE_PUT = 1;
export const WRITE_DELETE = 2;
export const WRITE_HEADER_BYTES = 9;

/** A transaction handle, or 0 for "no transaction" (autocommit writes, fresh-snapshot reads). */
export type TxnHandle = number;

/** The collection methods the main thread forwards by name. */
export interface CollectionCalls {
  insert(request: InsertRequest): Promise<string>;
  upsert(request: InsertRequest): Promise<string>;
  insertBatch(request: BatchInsertRequest): Promise<string[]>;
  upsertBatch(request: BatchInsertRequest): Promise<string[]>;
  get(id: string): Promise<Document | null>;
  delete(id: string): Promise<boolean>;
  count(): Promise<number>;
  search(request: SearchRequest): Promise<SearchResult[]>;
}
export type CollectionMethod = keyof CollectionCalls;

export interface EngineHostApi {
  /**
   * Takes `aliveLock`, a Web Lock the worker then holds for its whole life: the main thread waits
   * on it to see the worker die. Called first, so that a death during `open` is seen too.
   */
  attach(aliveLock: string): Promise<void>;
  open(options: WorkerOpenOptions): Promise<WorkerOpenResult>;
  put(txn: TxnHandle, key: Uint8Array, value: Uint8Array): Promise<void>;
  get(txn: TxnHandle, key: Uint8Array): Promise<Uint8Array | null>;
  delete(txn: TxnHandle, key: Uint8Array): Promise<void>;
  txnBegin(txn: TxnHandle): void;
  /**
   * Applies `count` packed writes (see `WRITE_PUT`) to transaction `txn`, in order. On the first
   * one the engine refuses, aborts the transaction (nothing of it is written) and rejects with
   * that write's error.
   */
  txnApply(txn: TxnHandle, packed: Uint8Array, count: number): Promise<void>;
  txnCommit(txn: TxnHandle): Promise<void>;
  txnAbort(txn: TxnHandle): Promise<void>;
  scanOpen(scan: number, txn: TxnHandle, start: Uint8Array, end: Uint8Array | null): void;
  scanNext(scan: number): Promise<ScanBatch>;
  scanClose(scan: number): void;
  createNamespace(config: NamespaceConfig): NamespaceInfo;
  namespaceInfo(name: string): NamespaceInfo;
  listNamespaces(): Promise<NamespaceInfo[]>;
  deleteNamespace(name: string): Promise<void>;
  createCollection(namespace: string, nameOrConfig: string | CollectionConfig, options?: CollectionOptions): CollectionInfo;
  collectionInfo(namespace: string, name: string): CollectionInfo;
  listCollections(namespace: string): Promise<CollectionInfo[]>;
  deleteCollection(namespace: string, name: string): Promise<void>;
  collectionCall<M extends CollectionMethod>(
    namespace: string,
    collection: string,
    method: M,
    args: Parameters<CollectionCalls[M]>,
  ): ReturnType<CollectionCalls[M]>;
  checkpoint(): Promise<void>;
  stats(): Promise<DatabaseStats>;
  close(): Promise<void>;
}
