/**
 * The SochDB API over an engine running in this thread: an ordered key-value store with
 * transactions, namespaces and collections. Node's `Database` is this plus a synchronous `open`;
 * the browser's worker holds one and serves the main thread's calls from it. Nothing here touches
 * Node or the DOM, so both runtimes share it.
 *
 * Keys and values are bytes (`Buffer` / `Uint8Array`); anything else is refused with
 * `InvalidArgumentError`, never coerced. Writes resolve when durable per `syncMode`; reads see
 * committed, durable data. Path keys (`putPath`) form their own key space, see `path.ts`.
 *
 * Namespaces, collections and documents live in the same key space under the reserved prefix
 * `00 73 6f 63 68 00` ("\0soch\0"): writes of user keys there are refused (`RESERVED_KEY`), and a
 * scan that does not start inside that prefix skips it, so user scans never see SochDB's records
 * (a scan starting inside it, e.g. for a backup, sees exactly what it asks for; `get` reads any key).
 */
import type { NamespaceConfig, NamespaceInfo } from './collection-types.js';
import { assertBytes, assertUserDelete, assertUserPut, type DatabaseCore } from './core.js';
import type { Namespace } from './namespace.js';
import { resumePendingDrops } from './catalog-store.js';
import { createNamespace, deleteNamespace, listNamespaces, openNamespace } from './namespace-catalog.js';
import { encodePath } from './path.js';
import { QueryBuilder } from './query.js';
import { prefixEnd, ScanIterator } from './scan-iterator.js';
import { Transaction } from './transaction.js';
import type { DatabaseStats, WithTransactionOptions } from './types.js';
import { runInTransaction } from './with-transaction.js';

export class EngineDatabase {
  readonly #core: DatabaseCore;
  #closing: Promise<void> | null = null;

  /** Internal: `Database.open` (Node) or the browser worker make one from an opened core. */
  constructor(core: DatabaseCore) {
    this.#core = core;
    resumePendingDrops(core);
  }

  /** Stores `value` under `key`; resolves when durable per `syncMode`. */
  put(key: Uint8Array, value: Uint8Array): Promise<void> {
    const core = this.#core;
    try {
      core.assertUsable();
      assertUserPut(key, value);
      core.engine.put(0, key, value);
    } catch (e) {
      return Promise.reject(e);
    }
    return core.writer.durable();
  }

  /** The value under `key`, or null. */
  get(key: Uint8Array): Promise<Buffer | null> {
    const core = this.#core;
    try {
      core.assertUsable();
      assertBytes(key, 'key');
      return Promise.resolve(core.engine.get(0, key));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Removes `key` (a no-op if absent); resolves when durable per `syncMode`. */
  delete(key: Uint8Array): Promise<void> {
    const core = this.#core;
    try {
      core.assertUsable();
      assertUserDelete(key);
      core.engine.delete(0, key);
    } catch (e) {
      return Promise.reject(e);
    }
    return core.writer.durable();
  }

  /** Stores `value` under the path key of `'a/b/c'` (non-empty segments; see `encodePath`). */
  putPath(path: string, value: Uint8Array): Promise<void> {
    try {
      return this.put(encodePath(path), value);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** The value under the path key of `'a/b/c'`, or null. */
  getPath(path: string): Promise<Buffer | null> {
    try {
      return this.get(encodePath(path));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Removes the path key of `'a/b/c'`. */
  deletePath(path: string): Promise<void> {
    try {
      return this.delete(encodePath(path));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Pairs with `start <= key < end` (no `end`: to the last key), in key order, from one snapshot.
   * Streams in batches; leaving the loop early closes the underlying cursor.
   */
  scan(start: Uint8Array, end?: Uint8Array | null): ScanIterator {
    this.#core.assertUsable();
    assertBytes(start, 'start');
    if (end !== undefined && end !== null) assertBytes(end, 'end');
    return new ScanIterator(this.#core, 0, null, start, end ?? null);
  }

  /** Pairs whose key starts with `prefix`, in key order. */
  scanPrefix(prefix: Uint8Array): ScanIterator {
    assertBytes(prefix, 'prefix');
    return this.scan(prefix, prefixEnd(prefix));
  }

  /** A new transaction over a snapshot of committed data. Commit or abort it. */
  beginTransaction(): Transaction {
    return new Transaction(this.#core);
  }

  /**
   * Runs `fn` in a transaction: commits when it returns, aborts when it throws. With `retries`,
   * runs it again in a new transaction after a `TransactionConflictError` (so `fn` must be safe
   * to repeat). Resolves to `fn`'s result.
   */
  withTransaction<T>(fn: (txn: Transaction) => Promise<T> | T, options: WithTransactionOptions = {}): Promise<T> {
    return runInTransaction(() => this.beginTransaction(), fn, options);
  }

  /**
   * Creates a namespace, synchronously (the guide's `const ns = db.createNamespace(config)`;
   * awaiting the result works too). Its record is durable by the time any later awaited write
   * resolves; an I/O failure stops the database like any failed write. Throws
   * `NamespaceExistsError` if the name is taken, `InvalidArgumentError` for a bad name (1-128
   * characters of `[A-Za-z0-9_.-]`) or config.
   */
  createNamespace(config: NamespaceConfig): Namespace {
    return createNamespace(this.#core, config);
  }

  /** The namespace named `name`. Throws `NamespaceNotFoundError` if there is none. */
  namespace(name: string): Namespace {
    return openNamespace(this.#core, name);
  }

  /** Every namespace, in name order. */
  async listNamespaces(): Promise<NamespaceInfo[]> {
    return listNamespaces(this.#core);
  }

  /**
   * Deletes a namespace with all its collections and documents (documents in transactions of
   * 1,000, then the collection and namespace records in one). Throws `NamespaceNotFoundError`.
   */
  deleteNamespace(name: string): Promise<void> {
    return deleteNamespace(this.#core, name);
  }

  /** A query over the JSON records under `prefix` (a string or bytes), with TOON output. */
  query(prefix: string | Uint8Array): QueryBuilder {
    const bytes = typeof prefix === 'string' ? Buffer.from(prefix, 'utf8') : prefix;
    assertBytes(bytes, 'prefix');
    this.#core.assertUsable();
    return new QueryBuilder(() => this.scanPrefix(bytes));
  }

  /** Persists pending WAL records, then writes a checkpoint if anything changed since the last. */
  checkpoint(): Promise<void> {
    try {
      this.#core.assertUsable();
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#core.writer.checkpoint();
  }

  /** Engine counters, WAL writer counters, storage kind, path and the resolved config. */
  async stats(): Promise<DatabaseStats> {
    const core = this.#core;
    core.assertUsable();
    return { ...core.engine.stats(), storage: core.adapter.kind, path: core.path, config: { ...core.config }, wal: core.writer.stats() };
  }

  /**
   * Waits for pending writes, checkpoints, releases the directory. Idempotent; every other call
   * afterwards throws `DatabaseClosedError`. Open transactions are aborted, open scans end.
   */
  close(): Promise<void> {
    this.#closing ??= this.#core.close();
    return this.#closing;
  }
}
