/**
 * The engine's host inside the worker: opens the database on the chosen storage and serves the
 * `EngineHostApi` calls from one `EngineDatabase`, keeping the transactions and scans the main
 * thread names by handle. Runs only in the worker; the main thread never loads the engine.
 */
import { transfer } from 'comlink';
import { resolveConfig } from '../config.js';
import { startCoreAsync } from '../core-open.js';
import { EngineDatabase } from '../engine-database.js';
import { DatabaseClosedError, DatabaseError, InvalidArgumentError, TransactionError } from '../errors.js';
import type { ScanIterator } from '../scan-iterator.js';
import type { StorageAdapter } from '../storage/adapter.js';
import { MemoryAdapter } from '../storage/memory-adapter.js';
import type { Transaction } from '../transaction.js';
import { IdbAdapter } from './idb-adapter.js';
import { OpfsAdapter } from './opfs-adapter.js';
import { holdLock } from './web-locks.js';
import {
  type BrowserStorageKind,
  type CollectionCalls,
  type EngineHostApi,
  type ScanBatch,
  type TxnHandle,
  WRITE_DELETE,
  WRITE_HEADER_BYTES,
  WRITE_PUT,
  type WorkerOpenOptions,
} from './worker-protocol.js';

/** A scan batch's limits: enough pairs to amortise a round trip, small enough to stream. */
const SCAN_BATCH_ENTRIES = 1024;
const SCAN_BATCH_BYTES = 1024 * 1024;
/** Values at least this large cross back by transfer rather than by copy. */
const TRANSFER_BYTES_MIN = 64 * 1024;

export class EngineHost implements EngineHostApi {
  #db: EngineDatabase | null = null;
  readonly #txns = new Map<TxnHandle, Transaction>();
  readonly #scans = new Map<number, ScanIterator>();

  async attach(aliveLock: string): Promise<void> {
    // Held until this worker's context ends: the main thread learns of our death from it.
    if ((await holdLock(aliveLock, false)) === null) throw new DatabaseError(`The lock ${aliveLock} is taken.`, 'INTERNAL');
  }

  async open(options: WorkerOpenOptions): Promise<{ storage: BrowserStorageKind }> {
    if (this.#db !== null) throw new DatabaseError('This worker already holds an open database.', 'INVALID_STATE');
    const { name, lock, wasmUrl, storage: requested, ...config } = options;
    const resolved = resolveConfig(config);
    const storage = requested ?? (OpfsAdapter.isAvailable() ? 'opfs' : 'indexeddb');
    const adapter = makeAdapter(storage, name, lock === 'wait');
    const module = await compileEngine(wasmUrl);
    await adapter.lock();
    try {
      const core = await startCoreAsync(module, adapter, name, { ...resolved, storage: 'custom' });
      this.#db = new EngineDatabase(core);
    } catch (e) {
      await adapter.close().catch(() => {});
      await adapter.unlock();
      throw e;
    }
    return { storage };
  }

  put(txn: TxnHandle, key: Uint8Array, value: Uint8Array): Promise<void> {
    return txn === 0 ? this.#open().put(key, value) : this.#txn(txn).put(key, value);
  }

  async get(txn: TxnHandle, key: Uint8Array): Promise<Uint8Array | null> {
    const value = txn === 0 ? await this.#open().get(key) : await this.#txn(txn).get(key);
    if (value === null) return null;
    // Structured clone copies a view's whole buffer: cut a view down to its own bytes first.
    const owned = value.byteOffset === 0 && value.byteLength === value.buffer.byteLength ? value : new Uint8Array(value);
    return owned.length >= TRANSFER_BYTES_MIN ? transfer(owned, [owned.buffer]) : owned;
  }

  delete(txn: TxnHandle, key: Uint8Array): Promise<void> {
    return txn === 0 ? this.#open().delete(key) : this.#txn(txn).delete(key);
  }

  txnBegin(txn: TxnHandle): void {
    if (this.#txns.has(txn)) throw new InvalidArgumentError(`Transaction handle ${txn} is in use.`);
    this.#txns.set(txn, this.#open().beginTransaction());
  }

  async txnApply(txn: TxnHandle, packed: Uint8Array, count: number): Promise<void> {
    const t = this.#txn(txn);
    const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
    try {
      let at = 0;
      for (let i = 0; i < count; i++) {
        if (at + WRITE_HEADER_BYTES > packed.length) throw new InvalidArgumentError('A packed write batch is truncated.');
        const op = view.getUint8(at);
        const keyLength = view.getUint32(at + 1, true);
        const valueLength = view.getUint32(at + 5, true);
        const keyStart = at + WRITE_HEADER_BYTES;
        const end = keyStart + keyLength + valueLength;
        if (end > packed.length) throw new InvalidArgumentError('A packed write batch is truncated.');
        const key = packed.subarray(keyStart, keyStart + keyLength);
        if (op === WRITE_PUT) await t.put(key, packed.subarray(keyStart + keyLength, end));
        else if (op === WRITE_DELETE) await t.delete(key);
        else throw new InvalidArgumentError(`Unknown write op ${op} in a packed write batch.`);
        at = end;
      }
    } catch (e) {
      this.#txns.delete(txn);
      await t.abort();
      throw e;
    }
  }

  async txnCommit(txn: TxnHandle): Promise<void> {
    const t = this.#txn(txn);
    try {
      await t.commit();
    } finally {
      if (t.state !== 'open') this.#txns.delete(txn);
    }
  }

  async txnAbort(txn: TxnHandle): Promise<void> {
    const t = this.#txns.get(txn);
    this.#txns.delete(txn);
    await t?.abort();
  }

  scanOpen(scan: number, txn: TxnHandle, start: Uint8Array, end: Uint8Array | null): void {
    if (this.#scans.has(scan)) throw new InvalidArgumentError(`Scan handle ${scan} is in use.`);
    this.#scans.set(scan, txn === 0 ? this.#open().scan(start, end) : this.#txn(txn).scan(start, end));
  }

  async scanNext(scan: number): Promise<ScanBatch> {
    const iterator = this.#scans.get(scan);
    if (iterator === undefined) throw new DatabaseError(`Scan ${scan} is closed.`, 'CURSOR_NOT_FOUND');
    const pairs: Array<[Uint8Array, Uint8Array]> = [];
    let bytes = 0;
    let done = false;
    try {
      while (pairs.length < SCAN_BATCH_ENTRIES && bytes < SCAN_BATCH_BYTES) {
        const next = await iterator.next();
        if (next.done) {
          done = true;
          break;
        }
        pairs.push(next.value);
        bytes += 8 + next.value[0].length + next.value[1].length;
      }
    } catch (e) {
      this.#scans.delete(scan);
      throw e;
    }
    if (done) this.#scans.delete(scan);
    const packed = packPairs(pairs, bytes);
    return transfer({ packed, count: pairs.length, done }, [packed.buffer]);
  }

  scanClose(scan: number): void {
    const iterator = this.#scans.get(scan);
    this.#scans.delete(scan);
    void iterator?.return();
  }

  createNamespace(config: Parameters<EngineDatabase['createNamespace']>[0]) {
    return this.#open().createNamespace(config).config;
  }

  namespaceInfo(name: string) {
    return this.#open().namespace(name).config;
  }

  listNamespaces() {
    return this.#open().listNamespaces();
  }

  deleteNamespace(name: string) {
    return this.#open().deleteNamespace(name);
  }

  createCollection(namespace: string, nameOrConfig: Parameters<EngineHostApi['createCollection']>[1], options?: Parameters<EngineHostApi['createCollection']>[2]) {
    const ns = this.#open().namespace(namespace);
    const collection = typeof nameOrConfig === 'string' ? ns.createCollection(nameOrConfig, options!) : ns.createCollection(nameOrConfig);
    return collection.config;
  }

  collectionInfo(namespace: string, name: string) {
    return this.#open().namespace(namespace).collection(name).config;
  }

  listCollections(namespace: string) {
    return this.#open().namespace(namespace).listCollections();
  }

  deleteCollection(namespace: string, name: string) {
    return this.#open().namespace(namespace).deleteCollection(name);
  }

  collectionCall<M extends keyof CollectionCalls>(namespace: string, collection: string, method: M, args: Parameters<CollectionCalls[M]>) {
    const target = this.#open().namespace(namespace).collection(collection) as unknown as CollectionCalls;
    const call = target[method] as (...a: unknown[]) => ReturnType<CollectionCalls[M]>;
    return call.apply(target, args);
  }

  checkpoint(): Promise<void> {
    return this.#open().checkpoint();
  }

  stats() {
    return this.#open().stats();
  }

  async close(): Promise<void> {
    const db = this.#db;
    if (db === null) return;
    this.#txns.clear();
    this.#scans.clear();
    await db.close();
  }

  #open(): EngineDatabase {
    if (this.#db === null) throw new DatabaseClosedError('The database is not open in this worker.');
    return this.#db;
  }

  #txn(txn: TxnHandle): Transaction {
    const t = this.#txns.get(txn);
    if (t === undefined) {
      throw new TransactionError('This transaction has ended (committed or aborted): begin a new one.', 'TXN_CLOSED');
    }
    return t;
  }
}

function makeAdapter(storage: BrowserStorageKind, name: string, waitForLock: boolean): StorageAdapter {
  switch (storage) {
    case 'opfs':
      if (!OpfsAdapter.isAvailable()) {
        throw new InvalidArgumentError("storage: 'opfs' needs OPFS sync access handles, which this browser lacks: use 'indexeddb'.");
      }
      return new OpfsAdapter(name, { waitForLock });
    case 'indexeddb':
      return new IdbAdapter(name, { waitForLock });
    case 'memory':
      return new MemoryAdapter();
    default:
      throw new InvalidArgumentError(`storage must be 'opfs', 'indexeddb' or 'memory'; got ${String(storage)}.`);
  }
}

/** Browsers compile large modules only asynchronously; streaming compiles while downloading. */
async function compileEngine(wasmUrl: string): Promise<WebAssembly.Module> {
  let response: Response;
  try {
    response = await fetch(wasmUrl);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
  } catch (cause) {
    throw new DatabaseError(
      `Cannot load the SochDB engine from ${wasmUrl} (${cause instanceof Error ? cause.message : String(cause)}). ` +
        'Serve sochdb_engine.wasm with your app and pass its URL as { wasmUrl }.',
      'WASM_NOT_FOUND',
      { cause },
    );
  }
  // compileStreaming needs the application/wasm content type; fall back for servers without it.
  if (response.headers.get('content-type')?.startsWith('application/wasm')) return WebAssembly.compileStreaming(response);
  return WebAssembly.compile(await response.arrayBuffer());
}

/** `(klen u32 | vlen u32 | key | value) * n`, little-endian, in one buffer that can be transferred. */
function packPairs(pairs: Array<[Uint8Array, Uint8Array]>, bytes: number): Uint8Array {
  const packed = new Uint8Array(bytes);
  const view = new DataView(packed.buffer);
  let at = 0;
  for (const [key, value] of pairs) {
    view.setUint32(at, key.length, true);
    view.setUint32(at + 4, value.length, true);
    packed.set(key, at + 8);
    packed.set(value, at + 8 + key.length);
    at += 8 + key.length + value.length;
  }
  return packed;
}
