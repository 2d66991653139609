/** Shared public types. */
import type { ResolvedConfig } from './config.js';
import type { EngineStats } from './engine/outputs.js';

/** A key/value pair as scans and queries return it. */
export type KeyValue = [key: Buffer, value: Buffer];

/** Bytes the API accepts as a key or value (a `Buffer` is a `Uint8Array`). */
export type Bytes = Uint8Array;

export interface WithTransactionOptions {
  /** Runs the function again, in a new transaction, up to this many times on `TransactionConflictError`. Default 0. */
  retries?: number;
}

/** What `stats()` reports. */
export interface DatabaseStats extends EngineStats {
  /**
   * Bytes of memory the engine holds (its WebAssembly memory, which only grows while the database
   * is open). WebAssembly caps it at 4 GiB per database: past that, writes fail with `OUT_OF_MEMORY`.
   */
  engineMemoryBytes: number;
  /**
   * Bytes the database's data takes in that memory (the engine's live allocations): writes fail
   * with `OUT_OF_MEMORY` once it passes `memoryLimitBytes` (default 3.5 GiB).
   */
  dataBytes: number;
  storage: string;
  path: string;
  config: ResolvedConfig;
  wal: WalWriterStats;
}

export interface WalWriterStats {
  /** Appends of WAL records (one per group). */
  appends: number;
  /** fdatasyncs of WAL files. */
  flushes: number;
  /** WAL bytes appended since open. */
  bytesAppended: number;
  /** Checkpoints written since open. */
  checkpoints: number;
  /** The WAL file commits append to. */
  walFile: string;
}
