/**
 * The browser's `Database`: the same methods as Node's, served by the engine in a dedicated
 * worker. `Database.open` is async here (starting a worker, compiling the engine and reading
 * storage all are), and so are `createNamespace` / `namespace` and collection creation.
 * Everything else has Node's signature: `beginTransaction()` and `scan()` stay synchronous.
 */
import type { NamespaceConfig, NamespaceInfo } from '../collection-types.js';
import type { SyncMode } from '../config.js';
import { assertBytes, assertUserDelete, assertUserPut } from '../core.js';
import { InvalidArgumentError } from '../errors.js';
import { encodePath } from '../path.js';
import { QueryBuilder } from '../query.js';
import { prefixEnd } from '../scan-iterator.js';
import type { DatabaseStats, WithTransactionOptions } from '../types.js';
import { runInTransaction } from '../with-transaction.js';
import { bundledWasmUrl } from '../wasm-file.js';
import { asBuffer } from './bytes.js';
import { RemoteNamespace } from './remote-namespace.js';
import { RemoteScan } from './remote-scan.js';
import { RemoteTransaction } from './remote-transaction.js';
import { WorkerLink } from './worker-link.js';
import type { BrowserStorageKind } from './worker-protocol.js';

export interface BrowserDatabaseConfig {
  /** Default: `'opfs'` where the browser has OPFS sync access handles, else `'indexeddb'`. */
  storage?: BrowserStorageKind;
  syncMode?: SyncMode;
  groupCommit?: boolean;
  memtableSizeBytes?: number;
  walEnabled?: boolean;
  /** Another tab has the database open: `'refuse'` (default) throws `DatabaseLockedError`, `'wait'` queues. */
  lock?: 'refuse' | 'wait';
  /** Where the engine's `sochdb_engine.wasm` is served; default: beside the package's `dist/`. */
  wasmUrl?: string | URL;
  /** Where the package's `browser-worker.js` is served, when a bundler moved it. */
  workerUrl?: string | URL;
  /** Ask the browser to keep this site's storage under pressure (`navigator.storage.persist()`); default true. */
  persist?: boolean;
}

/** `stats()` in the browser: Node's, plus whether the browser granted persistent storage. */
export interface BrowserDatabaseStats extends DatabaseStats {
  persisted: boolean;
}

export class Database {
  readonly #link: WorkerLink;
  readonly #name: string;
  readonly #persisted: boolean;
  #nextHandle = 1;
  #closing: Promise<void> | null = null;
  readonly #newHandle = (): number => this.#nextHandle++;

  private constructor(link: WorkerLink, name: string, persisted: boolean) {
    this.#link = link;
    this.#name = name;
    this.#persisted = persisted;
  }

  /**
   * Opens (creating if missing) the database `name` in this site's storage, in a new worker.
   * Throws `DatabaseLockedError` if another tab has it open (unless `lock: 'wait'`), and
   * `CorruptionError` if a stored file is damaged.
   */
  static async open(name: string, config: BrowserDatabaseConfig = {}): Promise<Database> {
    // Any text names a database (so Node-style './my_db' works as well); adapters encode it.
    if (typeof name !== 'string' || name.length === 0) {
      throw new InvalidArgumentError("Database.open(name) takes a database name, e.g. Database.open('my_db').");
    }
    const { wasmUrl, workerUrl, lock = 'refuse', persist = true, ...options } = config;
    const link = new WorkerLink(workerUrl);
    const aliveLock = `sochdb-worker-alive:${randomId()}`;
    try {
      await link.call((api) => api.attach(aliveLock));
      link.watch(aliveLock);
      const opened = await link.call((api) => api.open({ ...options, name, lock, wasmUrl: String(wasmUrl ?? bundledWasmUrl()) }));
      const persisted = persist && opened.storage !== 'memory' ? await requestPersistence() : false;
      return new Database(link, name, persisted);
    } catch (e) {
      link.terminate();
      throw e;
    }
  }

  /** Stores `value` under `key`; resolves when durable per `syncMode`. */
  async put(key: Uint8Array, value: Uint8Array): Promise<void> {
    assertUserPut(key, value);
    await this.#link.call((api) => api.put(0, key, value));
  }

  /** The value under `key`, or null. */
  async get(key: Uint8Array): Promise<Buffer | null> {
    assertBytes(key, 'key');
    return asBuffer(await this.#link.call((api) => api.get(0, key)));
  }

  /** Removes `key` (a no-op if absent); resolves when durable per `syncMode`. */
  async delete(key: Uint8Array): Promise<void> {
    assertUserDelete(key);
    await this.#link.call((api) => api.delete(0, key));
  }

  async putPath(path: string, value: Uint8Array): Promise<void> {
    return this.put(encodePath(path), value);
  }

  async getPath(path: string): Promise<Buffer | null> {
    return this.get(encodePath(path));
  }

  async deletePath(path: string): Promise<void> {
    return this.delete(encodePath(path));
  }

  /** Pairs with `start <= key < end`, in key order, from one snapshot, fetched in batches. */
  scan(start: Uint8Array, end?: Uint8Array | null): RemoteScan {
    assertBytes(start, 'start');
    if (end !== undefined && end !== null) assertBytes(end, 'end');
    return new RemoteScan(this.#link, 0, start, end ?? null, this.#newHandle);
  }

  scanPrefix(prefix: Uint8Array): RemoteScan {
    assertBytes(prefix, 'prefix');
    return this.scan(prefix, prefixEnd(prefix));
  }

  beginTransaction(): RemoteTransaction {
    return new RemoteTransaction(this.#link, this.#newHandle);
  }

  /** As Node's: commits when `fn` returns, aborts when it throws, retries conflicts up to `retries`. */
  withTransaction<T>(fn: (txn: RemoteTransaction) => Promise<T> | T, options: WithTransactionOptions = {}): Promise<T> {
    return runInTransaction(() => this.beginTransaction(), fn, options);
  }

  async createNamespace(config: NamespaceConfig): Promise<RemoteNamespace> {
    const info = await this.#link.call((api) => api.createNamespace(config));
    return new RemoteNamespace(this.#link, info);
  }

  async namespace(name: string): Promise<RemoteNamespace> {
    const info = await this.#link.call((api) => api.namespaceInfo(name));
    return new RemoteNamespace(this.#link, info);
  }

  listNamespaces(): Promise<NamespaceInfo[]> {
    return this.#link.call((api) => api.listNamespaces());
  }

  deleteNamespace(name: string): Promise<void> {
    return this.#link.call((api) => api.deleteNamespace(name));
  }

  /** A query over the JSON records under `prefix`, run here over a batched scan. */
  query(prefix: string | Uint8Array): QueryBuilder {
    const bytes = typeof prefix === 'string' ? Buffer.from(prefix, 'utf8') : prefix;
    assertBytes(bytes, 'prefix');
    return new QueryBuilder(() => this.scanPrefix(bytes));
  }

  checkpoint(): Promise<void> {
    return this.#link.call((api) => api.checkpoint());
  }

  async stats(): Promise<BrowserDatabaseStats> {
    const stats = await this.#link.call((api) => api.stats());
    return { ...stats, path: this.#name, persisted: this.#persisted };
  }

  /** Waits for pending writes, checkpoints, releases the database and stops the worker. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        if (this.#link.ended === null) await this.#link.call((api) => api.close());
      } finally {
        this.#link.terminate();
      }
    })();
    return this.#closing;
  }
}

/** Asks once per open; a browser without the API, or one that says no, gives false. */
async function requestPersistence(): Promise<boolean> {
  try {
    return (await navigator.storage?.persist?.()) ?? false;
  } catch {
    return false;
  }
}

function randomId(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}
