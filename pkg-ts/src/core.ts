/**
 * What the API objects of one open database share: the engine instance, the WAL writer, the
 * storage adapter, and the database's state (open, closed, or stopped by a failure). Internal.
 */
import type { ResolvedConfig } from './config.js';
import type { EngineInstance } from './engine/abi.js';
import { DatabaseClosedError, DatabaseError, InvalidArgumentError, type SochDBError } from './errors.js';
import { isReserved } from './reserved-keys.js';
import type { StorageAdapter } from './storage/adapter.js';
import type { WalWriter } from './wal-writer.js';

/** Something that holds engine state (a transaction, a cursor) and must end when the database closes. */
export interface EngineResource {
  /** Releases the engine state; the object refuses further use. Never throws. */
  shutdown(): void;
}

/** Returned by `track`; pass it to `untrack`. */
export type ResourceToken = WeakRef<EngineResource>;

export class DatabaseCore {
  readonly engine: EngineInstance;
  readonly writer: WalWriter;
  readonly adapter: StorageAdapter;
  readonly path: string;
  readonly config: ResolvedConfig;
  /** Held weakly: an abandoned iterator or transaction can be collected, and `#leaks` then frees its engine state. */
  readonly #resources = new Set<ResourceToken>();
  readonly #leaks = new FinalizationRegistry<{ token: ResourceToken; release: () => void }>(({ token, release }) => {
    this.#resources.delete(token);
    if (this.#closed || this.engine.deadError !== null) return;
    try {
      release();
    } catch {
      // Already gone in the engine: nothing to free.
    }
  });
  #closed = false;
  #failure: SochDBError | null = null;

  constructor(engine: EngineInstance, writer: WalWriter, adapter: StorageAdapter, path: string, config: ResolvedConfig) {
    this.engine = engine;
    this.writer = writer;
    this.adapter = adapter;
    this.path = path;
    this.config = config;
  }

  /** Throws unless the database can take calls. Cheap: on every hot path. */
  assertUsable(): void {
    if (this.#closed) throw new DatabaseClosedError();
    if (this.#failure !== null) throw stoppedError(this.#failure);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get failure(): SochDBError | null {
    return this.#failure;
  }

  /** Records the failure (an I/O error or engine trap) that stops the database. */
  fail(error: SochDBError): void {
    this.#failure ??= error;
  }

  /**
   * Tracks `resource` until `untrack`: it is shut down when the database closes, and `release`
   * (which must not reference `resource`) frees its engine state if it is garbage-collected first.
   */
  track(resource: EngineResource, release: () => void): ResourceToken {
    const token = new WeakRef(resource);
    this.#resources.add(token);
    this.#leaks.register(resource, { token, release }, token);
    return token;
  }

  untrack(token: ResourceToken): void {
    this.#resources.delete(token);
    this.#leaks.unregister(token);
  }

  /** Refuses new calls, ends open transactions and scans, persists, and unlocks. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const token of [...this.#resources]) token.deref()?.shutdown();
    this.#resources.clear();
    let error: unknown = null;
    try {
      await this.writer.close();
    } catch (e) {
      // Already reported to the caller that failed; close still releases the directory.
      if (this.#failure === null) error = e;
    }
    try {
      await this.adapter.close();
    } finally {
      await this.adapter.unlock();
    }
    if (error !== null) throw error;
  }
}

/** A fresh error for each call refused after a failure, pointing at the original one. */
function stoppedError(failure: SochDBError): DatabaseError {
  return new DatabaseError(
    `The database stopped after an earlier failure (${failure.code}: ${failure.message}) and refuses further calls. ` +
      'Close it and open it again.',
    'DATABASE_POISONED',
    { cause: failure },
  );
}

/** Throws `InvalidArgumentError` unless `value` is bytes (a Buffer or Uint8Array). Never coerces. */
export function assertBytes(value: unknown, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new InvalidArgumentError(
      `${what} must be a Buffer or Uint8Array, got ${describe(value)}. Convert text with Buffer.from(text).`,
    );
  }
}

/**
 * Throws `InvalidArgumentError` (code `RESERVED_KEY`) for a user write under the reserved prefix
 * `\0soch\0`, where SochDB keeps namespaces, collections and documents: writing there directly
 * would bypass their checks. Reads stay allowed.
 */
/** The argument checks of a put of a user key: the same for databases and transactions, in Node and browsers. */
export function assertUserPut(key: Uint8Array, value: Uint8Array): void {
  assertBytes(key, 'key');
  assertBytes(value, 'value');
  assertUserWritableKey(key);
}

/** The argument checks of a delete of a user key (see `assertUserPut`). */
export function assertUserDelete(key: Uint8Array): void {
  assertBytes(key, 'key');
  assertUserWritableKey(key);
}

function assertUserWritableKey(key: Uint8Array): void {
  if (isReserved(key)) {
    throw new InvalidArgumentError(
      'Keys starting with the bytes 00 73 6f 63 68 00 ("\\0soch\\0") are reserved for SochDB\'s namespaces, ' +
        'collections and documents: use another key, or the Namespace and Collection APIs.',
      'RESERVED_KEY',
    );
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return typeof value;
}
