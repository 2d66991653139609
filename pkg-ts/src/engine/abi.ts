/**
 * The host side of the engine ABI (`engine-rs/ABI.md`): one `EngineInstance` per open database,
 * wrapping one `WebAssembly.Instance`. Methods are synchronous and map one-to-one to `soch_*`
 * exports; they copy inputs into engine memory, copy outputs out, and turn negative statuses
 * into typed errors.
 *
 * Memory growth detaches views of `memory.buffer`, so every access goes through `bytes()`, which
 * rebuilds the cached view only when the buffer changed. A wasm trap means an engine bug: the
 * instance is then dead, every later call throws, and `onFatal` tells the database.
 */
import { DatabaseError, type SochDBError } from '../errors.js';
import { engineError } from './codes.js';
import {
  type CheckpointLayout,
  decodeCheckpoint,
  decodeManifestInfo,
  decodeOpenFinish,
  decodeReplayResult,
  decodeStats,
  decodeWalTake,
  type EngineStats,
  type ManifestInfo,
  type OpenFinishResult,
  type ReplayResult,
  type WalTake,
} from './outputs.js';

export const SOCH_ABI_VERSION = 4;

/**
 * The `txn` of `get` and `cursorOpen` that reads at `last_seq` (every commit, durable or not)
 * rather than in a transaction or at `visible_seq`: catalog checks right after a synchronous
 * create use it (ABI.md, "Reading the latest commit").
 */
export const LATEST = 0xffff_ffff;

/** `soch_init` flags. */
export const INIT_WAL_ENABLED = 1;
export const INIT_VISIBLE_ON_COMMIT = 2;

/** `soch_cursor_open`'s "no end key" length. */
const NO_END = 0xffff_ffff;

type I32 = number;
interface EngineExports {
  memory: WebAssembly.Memory;
  soch_abi_version(): I32;
  soch_alloc(len: I32): I32;
  soch_alloc_failure(): number;
  soch_free(ptr: I32, len: I32): void;
  soch_scratch(len: I32): I32;
  soch_out_ptr(): I32;
  soch_out_len(): I32;
  soch_init(flags: I32): I32;
  soch_load_manifest(ptr: I32, len: I32): I32;
  soch_load_file(namePtr: I32, nameLen: I32, dataPtr: I32, dataLen: I32): I32;
  soch_search(colPtr: I32, colLen: I32, reqPtr: I32, reqLen: I32): I32;
  soch_collection_count(colPtr: I32, colLen: I32): I32;
  soch_catalog_version(): number;
  soch_replay_wal(ptr: I32, len: I32): I32;
  soch_open_finish(): I32;
  soch_get(kp: I32, kl: I32): I32;
  soch_put(kp: I32, kl: I32, vp: I32, vl: I32): I32;
  soch_delete(kp: I32, kl: I32): I32;
  soch_txn_begin(): I32;
  soch_txn_get(txn: I32, kp: I32, kl: I32): I32;
  soch_txn_put(txn: I32, kp: I32, kl: I32, vp: I32, vl: I32): I32;
  soch_txn_delete(txn: I32, kp: I32, kl: I32): I32;
  soch_txn_commit(txn: I32): I32;
  soch_txn_abort(txn: I32): I32;
  soch_cursor_open(txn: I32, sp: I32, sl: I32, ep: I32, el: I32): I32;
  soch_cursor_next(cursor: I32, maxEntries: I32, maxBytes: I32): I32;
  soch_cursor_close(cursor: I32): I32;
  soch_wal_pending(): number;
  soch_wal_take(): I32;
  soch_wal_mark_durable(seq: number): I32;
  soch_checkpoint(force: I32): I32;
  soch_checkpoint_release(): I32;
  soch_memtable_bytes(): number;
  soch_stats(): I32;
  soch_set_memory_limit(bytes: number): I32;
}

const REQUIRED_EXPORTS: ReadonlyArray<keyof EngineExports> = [
  'memory', 'soch_abi_version', 'soch_alloc', 'soch_alloc_failure', 'soch_free', 'soch_scratch', 'soch_out_ptr',
  'soch_out_len', 'soch_init', 'soch_load_manifest', 'soch_load_file', 'soch_replay_wal',
  'soch_open_finish', 'soch_get', 'soch_put', 'soch_delete', 'soch_txn_begin', 'soch_txn_get',
  'soch_txn_put', 'soch_txn_delete', 'soch_txn_commit', 'soch_txn_abort', 'soch_cursor_open',
  'soch_cursor_next', 'soch_cursor_close', 'soch_wal_pending', 'soch_wal_take',
  'soch_wal_mark_durable', 'soch_checkpoint', 'soch_checkpoint_release', 'soch_memtable_bytes', 'soch_stats', 'soch_search',
  'soch_collection_count', 'soch_catalog_version', 'soch_set_memory_limit',
];

/** A file a checkpoint asks the host to write, copied out of engine memory. */
export interface CheckpointWrite {
  name: string;
  data: Buffer;
}

/** A checkpoint's files (ABI.md, version 3, "Opening and checkpoints: files by name"). */
export interface CheckpointFiles extends Omit<CheckpointLayout, 'writes'> {
  /** Write each atomically, before the new WAL file and MANIFEST. */
  writes: CheckpointWrite[];
  /** Remove each once the new MANIFEST is in place. */
  removes: string[];
}

/** `soch_search`'s result count and a copy of its output (decode with `search-codec.ts`). */
export interface SearchOutput {
  count: number;
  out: Buffer;
}

const textDecoder = new TextDecoder();

export class EngineInstance {
  readonly #x: EngineExports;
  #buffer: ArrayBuffer;
  #bytes: Uint8Array;
  #dead: SochDBError | null = null;
  #onFatal: (error: SochDBError) => void;

  /** Instantiates `module`; `onFatal` is told once if the engine traps. */
  constructor(module: WebAssembly.Module, onFatal: (error: SochDBError) => void = () => {}) {
    const instance = new WebAssembly.Instance(module, missingImports(module));
    const exports = instance.exports as unknown as EngineExports;
    // The version first: an engine of another version lacks exports, and its version says why.
    const version = typeof exports.soch_abi_version === 'function' ? exports.soch_abi_version() : SOCH_ABI_VERSION;
    if (version !== SOCH_ABI_VERSION) {
      throw new DatabaseError(
        `The SochDB engine speaks ABI ${version}, this package ${SOCH_ABI_VERSION}. ` +
          'Rebuild the engine (npm run build:wasm) or reinstall @sochdb/sochdb.',
        'ABI_MISMATCH',
      );
    }
    const missing = REQUIRED_EXPORTS.filter((name) => exports[name] === undefined);
    if (missing.length > 0) {
      throw new DatabaseError(
        `The SochDB engine lacks exports ${missing.join(', ')}: it was built from another ABI version. ` +
          'Rebuild it (npm run build:wasm) or reinstall @sochdb/sochdb.',
        'ABI_MISMATCH',
      );
    }
    this.#x = exports;
    this.#buffer = exports.memory.buffer;
    this.#bytes = new Uint8Array(this.#buffer);
    this.#onFatal = onFatal;
  }

  // --- memory ------------------------------------------------------------------------------

  /** Linear memory as bytes; valid until the next engine call. */
  bytes(): Uint8Array {
    const buffer = this.#x.memory.buffer;
    if (buffer !== this.#buffer) {
      this.#buffer = buffer;
      this.#bytes = new Uint8Array(buffer);
    }
    return this.#bytes;
  }

  /**
   * `soch_alloc`: a buffer whose ownership may pass to the engine; `view` is valid until the next
   * call. Throws `OUT_OF_MEMORY` when the engine's memory cannot hold `len` more bytes (the
   * engine stays usable: nothing was written).
   */
  alloc(len: number): { ptr: number; view: Uint8Array } {
    const ptr = this.#guard(() => this.#x.soch_alloc(len) >>> 0);
    if (ptr === 0 && len > 0) {
      throw new DatabaseError(
        `The SochDB engine's memory cannot give a block of ${megabytes(len)} (${this.#memoryNote()}). ` +
          'Nothing was loaded or written. Keep less in one database: split collections across databases.',
        'OUT_OF_MEMORY',
      );
    }
    return { ptr, view: this.bytes().subarray(ptr, ptr + len) };
  }

  /** Bytes of linear memory the engine holds now (it never shrinks while the database is open). */
  memoryBytes(): number {
    return this.#x.memory.buffer.byteLength;
  }

  free(ptr: number, len: number): void {
    this.#guard(() => this.#x.soch_free(ptr, len));
  }

  // --- opening -----------------------------------------------------------------------------

  init(flags: number): void {
    this.#guard(() => this.#check(this.#x.soch_init(flags)));
  }

  /** Commits that write values fail with `OUT_OF_MEMORY` once the engine's data passes `bytes`. */
  setMemoryLimit(bytes: number): void {
    this.#guard(() => this.#check(this.#x.soch_set_memory_limit(bytes)));
  }

  /** Borrows the manifest at `ptr`. */
  loadManifest(ptr: number, len: number): ManifestInfo {
    return this.#guard(() => {
      this.#check(this.#x.soch_load_manifest(ptr, len));
      return decodeManifestInfo(this.#outCopy());
    });
  }

  /** Takes ownership of the `alloc`ed file `name` at `ptr`, even on error. */
  loadFile(name: string, ptr: number, len: number): void {
    this.#guard(() => {
      const x = this.#x;
      const nameBytes = Buffer.from(name, 'utf8');
      const np = x.soch_scratch(nameBytes.length) >>> 0;
      this.bytes().set(nameBytes, np);
      return this.#check(x.soch_load_file(np, nameBytes.length, ptr, len));
    });
  }

  /** Borrows the WAL file at `ptr`. */
  replayWal(ptr: number, len: number): ReplayResult {
    return this.#guard(() => {
      this.#check(this.#x.soch_replay_wal(ptr, len));
      return decodeReplayResult(this.#outCopy());
    });
  }

  openFinish(): OpenFinishResult {
    return this.#guard(() => {
      this.#check(this.#x.soch_open_finish());
      return decodeOpenFinish(this.#outCopy());
    });
  }

  // --- reads and autocommit writes (hot paths: no closures) --------------------------------

  /** The value of `key` at `visible_seq` (txn 0), at `last_seq` (`LATEST`) or in transaction `txn`, or null. */
  get(txn: number, key: Uint8Array): Buffer | null {
    this.#assertAlive();
    const x = this.#x;
    try {
      const kp = x.soch_scratch(key.length) >>> 0;
      this.bytes().set(key, kp);
      const status = txn === 0 ? x.soch_get(kp, key.length) : x.soch_txn_get(txn, kp, key.length);
      if (status === 0) return this.#outCopy();
      if (status === 1) return null;
      throw this.#errorFor(status);
    } catch (e) {
      throw this.#fatal(e);
    }
  }

  /** Writes `key` (autocommit when `txn` is 0). */
  put(txn: number, key: Uint8Array, value: Uint8Array): void {
    this.#assertAlive();
    const x = this.#x;
    try {
      const kl = key.length;
      const kp = x.soch_scratch(kl + value.length) >>> 0;
      const bytes = this.bytes();
      bytes.set(key, kp);
      bytes.set(value, kp + kl);
      const status =
        txn === 0 ? x.soch_put(kp, kl, kp + kl, value.length) : x.soch_txn_put(txn, kp, kl, kp + kl, value.length);
      if (status < 0) throw this.#errorFor(status);
    } catch (e) {
      throw this.#fatal(e);
    }
  }

  /** Deletes `key` (autocommit when `txn` is 0). */
  delete(txn: number, key: Uint8Array): void {
    this.#assertAlive();
    const x = this.#x;
    try {
      const kp = x.soch_scratch(key.length) >>> 0;
      this.bytes().set(key, kp);
      const status = txn === 0 ? x.soch_delete(kp, key.length) : x.soch_txn_delete(txn, kp, key.length);
      if (status < 0) throw this.#errorFor(status);
    } catch (e) {
      throw this.#fatal(e);
    }
  }

  // --- transactions ------------------------------------------------------------------------

  txnBegin(): number {
    return this.#guard(() => this.#check(this.#x.soch_txn_begin()));
  }

  /** Throws `TransactionConflictError` when another commit won; the transaction is gone either way. */
  txnCommit(txn: number): void {
    this.#guard(() => this.#check(this.#x.soch_txn_commit(txn)));
  }

  txnAbort(txn: number): void {
    this.#guard(() => this.#check(this.#x.soch_txn_abort(txn)));
  }

  // --- cursors -----------------------------------------------------------------------------

  /**
   * A cursor over `[start, end)` (`end` null: to the last key) at `txn`'s view (0: a fresh
   * snapshot at `visible_seq`; `LATEST`: at `last_seq`).
   */
  cursorOpen(txn: number, start: Uint8Array, end: Uint8Array | null): number {
    return this.#guard(() => {
      const x = this.#x;
      const sl = start.length;
      const el = end === null ? 0 : end.length;
      const sp = x.soch_scratch(sl + el) >>> 0;
      const bytes = this.bytes();
      bytes.set(start, sp);
      if (end !== null) bytes.set(end, sp + sl);
      return this.#check(x.soch_cursor_open(txn, sp, sl, sp + sl, end === null ? NO_END : el));
    });
  }

  /** The next batch as a copy of `(klen u32 | vlen u32 | key | value) * n`, or null when exhausted. */
  cursorNext(cursor: number, maxEntries: number, maxBytes: number): { count: number; batch: Buffer } | null {
    this.#assertAlive();
    try {
      const count = this.#x.soch_cursor_next(cursor, maxEntries, maxBytes);
      if (count < 0) throw this.#errorFor(count);
      if (count === 0) return null;
      return { count, batch: this.#outCopy() };
    } catch (e) {
      throw this.#fatal(e);
    }
  }

  cursorClose(cursor: number): void {
    this.#guard(() => this.#check(this.#x.soch_cursor_close(cursor)));
  }

  // --- collections --------------------------------------------------------------------------

  /** Live documents of the collection whose `c` key is `collectionKey`, at `last_seq`. */
  /** Moves whenever a collection is created, reconfigured or dropped. */
  catalogVersion(): number {
    return this.#guard(() => this.#x.soch_catalog_version());
  }

  collectionCount(collectionKey: Uint8Array): number {
    return this.#guard(() => {
      const x = this.#x;
      const cp = x.soch_scratch(collectionKey.length) >>> 0;
      this.bytes().set(collectionKey, cp);
      return this.#check(x.soch_collection_count(cp, collectionKey.length));
    });
  }

  /** Runs an encoded search request (`search-codec.ts`) on the collection whose `c` key is given. */
  search(collectionKey: Uint8Array, request: Uint8Array): SearchOutput {
    return this.#guard(() => {
      const x = this.#x;
      const cl = collectionKey.length;
      const p = x.soch_scratch(cl + request.length) >>> 0;
      const bytes = this.bytes();
      bytes.set(collectionKey, p);
      bytes.set(request, p + cl);
      const count = this.#check(x.soch_search(p, cl, p + cl, request.length));
      return { count, out: this.#outCopy() };
    });
  }

  // --- WAL, checkpoints, introspection -----------------------------------------------------

  walPending(): number {
    return this.#guard(() => this.#x.soch_wal_pending());
  }

  walTake(): WalTake {
    return this.#guard(() => {
      this.#check(this.#x.soch_wal_take());
      return decodeWalTake(this.#outCopy());
    });
  }

  walMarkDurable(seq: number): void {
    this.#guard(() => this.#check(this.#x.soch_wal_mark_durable(seq)));
  }

  /** Null when nothing changed (and not forced); else the files to persist, copied out. */
  checkpoint(force: boolean): CheckpointFiles | null {
    return this.#guard(() => {
      if (this.#check(this.#x.soch_checkpoint(force ? 1 : 0)) === 0) return null;
      const layout = decodeCheckpoint(this.#outCopy());
      const bytes = this.bytes();
      const writes = layout.writes.map(({ name, pieces }) => {
        const data = Buffer.allocUnsafe(pieces.reduce((sum, piece) => sum + piece.len, 0));
        let at = 0;
        for (const { ptr, len } of pieces) {
          data.set(bytes.subarray(ptr, ptr + len), at);
          at += len;
        }
        return { name, data };
      });
      // Copied (the pieces are valid only until the next call): the engine may forget them now.
      this.#check(this.#x.soch_checkpoint_release());
      return { ...layout, writes };
    });
  }

  memtableBytes(): number {
    return this.#guard(() => this.#x.soch_memtable_bytes());
  }

  stats(): EngineStats & { engineMemoryBytes: number } {
    return this.#guard(() => {
      this.#check(this.#x.soch_stats());
      return { ...decodeStats(this.#outCopy()), engineMemoryBytes: this.memoryBytes() };
    });
  }

  /** The error that killed the engine, or null while it is alive. */
  get deadError(): SochDBError | null {
    return this.#dead;
  }

  // --- plumbing ----------------------------------------------------------------------------

  /** A copy of the output buffer. */
  #outCopy(): Buffer {
    const x = this.#x;
    const ptr = x.soch_out_ptr() >>> 0;
    const len = x.soch_out_len() >>> 0;
    const copy = Buffer.allocUnsafe(len);
    copy.set(this.bytes().subarray(ptr, ptr + len));
    return copy;
  }

  /** Passes a success status through; turns an error status into its typed error. */
  #check(status: number): number {
    if (status < 0) throw this.#errorFor(status);
    return status;
  }

  #errorFor(status: number): SochDBError {
    const x = this.#x;
    const ptr = x.soch_out_ptr() >>> 0;
    const len = x.soch_out_len() >>> 0;
    return engineError(status, textDecoder.decode(this.bytes().subarray(ptr, ptr + len)));
  }

  #guard<T>(call: () => T): T {
    this.#assertAlive();
    try {
      return call();
    } catch (e) {
      throw this.#fatal(e);
    }
  }

  #assertAlive(): void {
    if (this.#dead !== null) throw this.#dead;
  }

  /**
   * A trap kills the instance: its state may be half-updated, so nothing may touch it again. An
   * allocation that failed just before says why: the engine ran out of memory (wasm32's std
   * aborts then), which is not a bug.
   */
  #fatal(e: unknown): unknown {
    if (!(e instanceof WebAssembly.RuntimeError)) return e;
    const failed = this.#x.soch_alloc_failure();
    this.#dead =
      failed > 0
        ? new DatabaseError(
            `The SochDB engine ran out of memory: a block of ${megabytes(failed)} could not be allocated (${this.#memoryNote()}). ` +
              'This database can no longer be used in this process; committed data is safe on disk. ' +
              'Reopen it, and keep less in one database: split collections across databases.',
            'OUT_OF_MEMORY',
            { cause: e },
          )
        : new DatabaseError(
            `The SochDB engine stopped on an internal error (${e.message}); this database can no longer be used. ` +
              'Reopen it (committed data is safe on disk) and please report this bug.',
            'ENGINE_TRAPPED',
            { cause: e },
          );
    this.#onFatal(this.#dead);
    return this.#dead;
  }

  #memoryNote(): string {
    return `it holds ${megabytes(this.memoryBytes())}; WebAssembly caps one engine at ${megabytes(WASM32_MEMORY_MAX)}`;
  }
}

/** wasm32's whole address space: no engine memory grows past it. */
const WASM32_MEMORY_MAX = 4 * 1024 ** 3;

function megabytes(bytes: number): string {
  return bytes >= 1024 ** 3 && bytes % 1024 ** 3 === 0 ? `${bytes / 1024 ** 3} GiB` : `${Math.ceil(bytes / 1024 ** 2)} MB`;
}

/** Stubs for any import the module declares: the engine is meant to import nothing. */
function missingImports(module: WebAssembly.Module): WebAssembly.Imports {
  const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {};
  for (const { module: mod, name, kind } of WebAssembly.Module.imports(module)) {
    if (kind !== 'function') {
      throw new DatabaseError(`The SochDB engine imports ${mod}.${name} (${kind}), which no host provides.`, 'ABI_MISMATCH');
    }
    (imports[mod] ??= {})[name] = () => {
      throw new DatabaseError(`The SochDB engine called ${mod}.${name}, which no host provides.`, 'ABI_MISMATCH');
    };
  }
  return imports;
}
