/**
 * StorageAdapter on IndexedDB through idb-keyval, for browsers (or contexts) without OPFS sync
 * access handles. One IndexedDB database per SochDB database (`sochdb:<name>`), one object store:
 * - `['f', name]` → `FileMeta`: the file's chunks in order;
 * - `['c', name, seq]` → `Uint8Array`: one chunk (at most `CHUNK_BYTES`).
 * An append adds chunks; every change (append, truncate, writeAtomic, remove) rewrites the meta
 * record and its chunks in ONE transaction, so a crash or a full quota leaves the file whole, as
 * before or as after. Transactions use `durability: 'strict'`: they complete only once on disk,
 * which makes `flush()` a no-op beyond checking that the file exists.
 *
 * The adapter holds the database's Web Lock, so no one else writes its files: it keeps each file's
 * meta record after reading or committing it, which saves `append` a read and `flush` a whole
 * read-only transaction per commit.
 */
import { type UseStore, promisifyRequest } from 'idb-keyval';
import type { StorageAdapter } from '../storage/adapter.js';
import { isQuotaError, lockedError, missingFile, quotaError } from './storage-errors.js';
import { holdLock, type ReleaseLock } from './web-locks.js';

/** Large values are split so no single record gets huge (IndexedDB copies each whole). */
const CHUNK_BYTES = 1024 * 1024;
const STORE_NAME = 'files';

interface FileMeta {
  /** `[seq, length]` of each chunk, in file order. */
  chunks: Array<[number, number]>;
  /** The next chunk's seq (seqs are never reused within a file's life). */
  next: number;
}

const metaKey = (name: string): IDBValidKey => ['f', name];
const chunkKey = (name: string, seq: number): IDBValidKey => ['c', name, seq];
/** Every meta key: arrays sort after strings, so `['f', []]` follows every `['f', name]`. */
const META_RANGE = (): IDBKeyRange => IDBKeyRange.bound(['f'], ['f', []]);

/** idb-keyval's `createStore`, with strict durability on every transaction. */
function strictStore(dbName: string, storeName: string): UseStore {
  const request = indexedDB.open(dbName);
  request.onupgradeneeded = () => request.result.createObjectStore(storeName);
  const db = promisifyRequest(request);
  return (mode, callback) =>
    db.then((d) => callback(d.transaction(storeName, mode, { durability: 'strict' }).objectStore(storeName)));
}

export interface IdbAdapterOptions {
  /** Wait for another tab to close the database instead of refusing at once. */
  waitForLock?: boolean;
}

export class IdbAdapter implements StorageAdapter {
  readonly kind = 'indexeddb';
  readonly name: string;
  readonly #waitForLock: boolean;
  #store: UseStore | null = null;
  #release: ReleaseLock | null = null;
  /** Meta records as last committed (absent: not known, read it). */
  readonly #metas = new Map<string, FileMeta>();

  constructor(name: string, options: IdbAdapterOptions = {}) {
    this.name = name;
    this.#waitForLock = options.waitForLock ?? false;
  }

  static isAvailable(): boolean {
    return typeof indexedDB !== 'undefined';
  }

  async lock(): Promise<void> {
    if (this.#release !== null) throw lockedError('IndexedDB', this.name);
    const release = await holdLock(`sochdb:indexeddb:${this.name}`, this.#waitForLock);
    if (release === null) throw lockedError('IndexedDB', this.name);
    this.#release = release;
  }

  async unlock(): Promise<void> {
    this.#release?.();
    this.#release = null;
  }

  async list(): Promise<string[]> {
    const keys = await this.#use('readonly', (s) => promisifyRequest(s.getAllKeys(META_RANGE())));
    return keys.map((key) => (key as [string, string])[1]);
  }

  async read(name: string): Promise<Uint8Array | null> {
    return this.#use('readonly', async (s) => {
      const meta = await readMeta(s, name);
      if (meta === undefined) return null;
      this.#metas.set(name, meta);
      const chunks = await Promise.all(meta.chunks.map(([seq]) => promisifyRequest<Uint8Array>(s.get(chunkKey(name, seq)))));
      return concat(chunks, totalLength(meta));
    });
  }

  append(name: string, data: Uint8Array): Promise<void> {
    return this.#write(name, `appending ${data.length} bytes to ${name}`, async (s, known) => {
      const meta = known === undefined ? ((await readMeta(s, name)) ?? { chunks: [], next: 0 }) : copyMeta(known);
      putChunks(s, name, meta, data);
      s.put(meta, metaKey(name));
      return meta;
    });
  }

  async flush(name: string): Promise<void> {
    // Every write transaction was strict: durable once complete. Only the contract's check remains.
    if (this.#metas.has(name)) return;
    const meta = await this.#use('readonly', (s) => readMeta(s, name));
    if (meta === undefined) throw missingFile(name, this.#where());
    this.#metas.set(name, meta);
  }

  writeAtomic(name: string, data: Uint8Array): Promise<void> {
    return this.#write(name, `writing ${data.length} bytes to ${name}`, async (s) => {
      const old = await readMeta(s, name);
      for (const [seq] of old?.chunks ?? []) s.delete(chunkKey(name, seq));
      const meta: FileMeta = { chunks: [], next: old?.next ?? 0 };
      putChunks(s, name, meta, data);
      s.put(meta, metaKey(name));
      return meta;
    });
  }

  truncate(name: string, length: number): Promise<void> {
    return this.#write(name, `truncating ${name}`, async (s) => {
      const meta = await readMeta(s, name);
      if (meta === undefined) throw missingFile(name, this.#where());
      const data = concat(await Promise.all(meta.chunks.map(([seq]) => promisifyRequest<Uint8Array>(s.get(chunkKey(name, seq))))), totalLength(meta));
      for (const [seq] of meta.chunks) s.delete(chunkKey(name, seq));
      const kept = new Uint8Array(length);
      kept.set(data.subarray(0, Math.min(length, data.length)));
      const next: FileMeta = { chunks: [], next: meta.next };
      putChunks(s, name, next, kept);
      s.put(next, metaKey(name));
      return next;
    });
  }

  remove(name: string): Promise<void> {
    return this.#write(name, `removing ${name}`, async (s) => {
      const meta = await readMeta(s, name);
      if (meta === undefined) return undefined;
      for (const [seq] of meta.chunks) s.delete(chunkKey(name, seq));
      s.delete(metaKey(name));
      return undefined;
    });
  }

  async close(): Promise<void> {}

  #use<T>(mode: IDBTransactionMode, body: (store: IDBObjectStore) => Promise<T>): Promise<T> {
    this.#store ??= strictStore(`sochdb:${this.name}`, STORE_NAME);
    return this.#store(mode, body);
  }

  /**
   * Runs `body` in one readwrite transaction on file `name` and resolves once it is committed
   * (strictly). `body` returns the file's new meta record (undefined: the file is gone), which is
   * kept only once the transaction has committed; a failed one forgets it, to be read again.
   * `body` also gets the meta record as last committed, when known.
   */
  async #write(
    name: string,
    what: string,
    body: (store: IDBObjectStore, known: FileMeta | undefined) => Promise<FileMeta | undefined>,
  ): Promise<void> {
    const known = this.#metas.get(name);
    this.#metas.delete(name);
    try {
      const meta = await this.#use('readwrite', async (s) => {
        const next = await body(s, known);
        await promisifyRequest(s.transaction);
        return next;
      });
      if (meta !== undefined) this.#metas.set(name, meta);
    } catch (e) {
      if (isQuotaError(e)) throw quotaError(what, e);
      throw e;
    }
  }

  #where(): string {
    return `the IndexedDB database '${this.name}'`;
  }
}

function readMeta(s: IDBObjectStore, name: string): Promise<FileMeta | undefined> {
  return promisifyRequest<FileMeta | undefined>(s.get(metaKey(name)));
}

/** Adds `data` as new chunks at the end of `meta` (mutated; the caller stores it). */
function putChunks(s: IDBObjectStore, name: string, meta: FileMeta, data: Uint8Array): void {
  for (let at = 0; at < data.length; at += CHUNK_BYTES) {
    const piece = data.slice(at, Math.min(at + CHUNK_BYTES, data.length));
    const seq = meta.next++;
    s.put(piece, chunkKey(name, seq));
    meta.chunks.push([seq, piece.length]);
  }
}

function copyMeta(meta: FileMeta): FileMeta {
  return { chunks: meta.chunks.map(([seq, length]) => [seq, length]), next: meta.next };
}

function totalLength(meta: FileMeta): number {
  return meta.chunks.reduce((sum, [, length]) => sum + length, 0);
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
