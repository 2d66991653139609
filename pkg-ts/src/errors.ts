/**
 * SochDB's errors. Every error the API throws is a `SochDBError` with a stable string `code`
 * (match on `code` or on the class, never on the message). Messages say what happened and what
 * to do. Class names follow the upstream SochDB JS SDK where it has one.
 *
 * Hierarchy:
 * - `SochDBError`
 *   - `DatabaseError`: the database cannot do what was asked (engine bug, I/O failure, poisoned)
 *     - `DatabaseClosedError`, `DatabaseLockedError`, `CorruptionError`, `StorageError`
 *       (`StorageQuotaError`), `WorkerDiedError` (browser)
 *   - `TransactionError`: a transaction used after it ended, or an unknown transaction
 *     - `TransactionConflictError`: first committer wins; retry the transaction
 *   - `InvalidArgumentError`: bad input (wrong type, over a limit); nothing was written
 *     - `DimensionMismatchError`: a vector's length is not its collection's dimension
 *   - `NamespaceExistsError`, `NamespaceNotFoundError`: the namespace catalog said otherwise
 *   - `CollectionExistsError`, `CollectionNotFoundError`: the collection catalog said otherwise
 *   - `DocumentExistsError`: `insert` of an id the collection already holds (use `upsert`)
 */

export interface SochDBErrorOptions {
  cause?: unknown;
}

/** Base class of every SochDB error. `code` is stable; see each subclass for its codes. */
export class SochDBError extends Error {
  readonly code: string;

  constructor(message: string, code: string, options?: SochDBErrorOptions) {
    super(message, options);
    this.name = 'SochDBError';
    this.code = code;
  }
}

/**
 * The database failed to do what was asked. Codes: `INTERNAL` (an engine bug), `INVALID_STATE`,
 * `UNSUPPORTED_FORMAT`, `LIMIT_EXCEEDED`, `CURSOR_NOT_FOUND`, `DATABASE_POISONED` (an earlier
 * I/O failure or engine trap: reopen the database), `ENGINE_TRAPPED`, `OUT_OF_MEMORY` (the
 * database is full: see `memoryLimitBytes`), `ABI_MISMATCH`,
 * `WASM_NOT_FOUND`, `DATABASE_ERROR`.
 */
export class DatabaseError extends SochDBError {
  constructor(message: string, code = 'DATABASE_ERROR', options?: SochDBErrorOptions) {
    super(message, code, options);
    this.name = 'DatabaseError';
  }
}

/** The database was closed; code `DATABASE_CLOSED`. Open it again to keep working. */
export class DatabaseClosedError extends DatabaseError {
  constructor(message = 'The database is closed. Open it again with Database.open() to keep using it.') {
    super(message, 'DATABASE_CLOSED');
    this.name = 'DatabaseClosedError';
  }
}

/** Another open database (in this or another process) holds the directory; code `DATABASE_LOCKED`. */
export class DatabaseLockedError extends DatabaseError {
  readonly path: string;
  readonly holderPid: number | undefined;

  constructor(path: string, holderPid: number | undefined, message: string) {
    super(message, 'DATABASE_LOCKED');
    this.name = 'DatabaseLockedError';
    this.path = path;
    this.holderPid = holderPid;
  }
}

/**
 * A stored file failed a checksum, magic or structure check. Codes: `CORRUPTION`, `TRUNCATED`.
 * The database refuses to open rather than serve wrong data: restore the directory from a backup.
 */
export class CorruptionError extends DatabaseError {
  constructor(message: string, code = 'CORRUPTION', options?: SochDBErrorOptions) {
    super(message, code, options);
    this.name = 'CorruptionError';
  }
}

/** The storage adapter failed (I/O); code `STORAGE_ERROR`. `cause` holds the adapter's error. */
export class StorageError extends DatabaseError {
  constructor(message: string, options?: SochDBErrorOptions, code = 'STORAGE_ERROR') {
    super(message, code, options);
    this.name = 'StorageError';
  }
}

/**
 * The browser's storage quota for this site is used up; code `STORAGE_QUOTA_EXCEEDED`. The write
 * that hit it left nothing half-written. Free space (delete data, or ask the user to allow more
 * with `navigator.storage.persist()`), then reopen the database.
 */
export class StorageQuotaError extends StorageError {
  constructor(message: string, options?: SochDBErrorOptions) {
    super(message, options, 'STORAGE_QUOTA_EXCEEDED');
    this.name = 'StorageQuotaError';
  }
}

/**
 * The browser worker running the engine died (terminated, crashed or out of memory); code
 * `WORKER_DIED`. Calls that were pending are rejected with it; commits acknowledged before are
 * durable. Open the database again.
 */
export class WorkerDiedError extends DatabaseError {
  constructor(message: string) {
    super(message, 'WORKER_DIED');
    this.name = 'WorkerDiedError';
  }
}

/**
 * A transaction could not do what was asked. Codes: `TXN_CLOSED` (used after commit or abort:
 * begin a new one), `TXN_NOT_FOUND`, `TRANSACTION_ERROR`.
 */
export class TransactionError extends SochDBError {
  constructor(message: string, code = 'TRANSACTION_ERROR', options?: SochDBErrorOptions) {
    super(message, code, options);
    this.name = 'TransactionError';
  }
}

/**
 * Another transaction committed a write to a key this one wrote, after this one started; code
 * `TXN_CONFLICT`. Nothing of this transaction was applied: run it again (see `withTransaction`'s
 * `retries`).
 */
export class TransactionConflictError extends TransactionError {
  constructor(message: string) {
    super(message, 'TXN_CONFLICT');
    this.name = 'TransactionConflictError';
  }
}

/**
 * Input the database does not accept; nothing was written. Codes: `INVALID_ARGUMENT`,
 * `KEY_TOO_LARGE` (over 16 KiB, or empty), `VALUE_TOO_LARGE` (over 64 MiB), `TXN_TOO_LARGE`
 * (over 256 MiB in one transaction), `INVALID_PATH`, `VALUE_NOT_JSON` (query over a non-JSON value),
 * `RESERVED_KEY` (a write under SochDB's reserved key prefix), `INVALID_NAME` (a namespace or
 * collection name), `INVALID_DOCUMENT_ID`, `DUPLICATE_ID` (one id twice in a batch),
 * `INVALID_VECTOR` (a NaN or infinite component, or a zero vector in a cosine collection),
 * `DIMENSION_MISMATCH` (see `DimensionMismatchError`).
 */
export class InvalidArgumentError extends SochDBError {
  constructor(message: string, code = 'INVALID_ARGUMENT') {
    super(message, code);
    this.name = 'InvalidArgumentError';
  }
}

/**
 * A vector's length differs from its collection's dimension; code `DIMENSION_MISMATCH`. Nothing
 * was written (a batch is refused whole).
 */
export class DimensionMismatchError extends InvalidArgumentError {
  readonly expected: number;
  readonly actual: number;

  constructor(expected: number, actual: number, message: string) {
    super(message, 'DIMENSION_MISMATCH');
    this.name = 'DimensionMismatchError';
    this.expected = expected;
    this.actual = actual;
  }
}

/** `createNamespace` of a name that exists; code `NAMESPACE_EXISTS`. Open it with `db.namespace(name)`. */
export class NamespaceExistsError extends SochDBError {
  readonly namespace: string;

  constructor(namespace: string) {
    super(`Namespace '${namespace}' already exists: open it with db.namespace('${namespace}').`, 'NAMESPACE_EXISTS');
    this.name = 'NamespaceExistsError';
    this.namespace = namespace;
  }
}

/** No namespace of that name (never created, or deleted); code `NAMESPACE_NOT_FOUND`. */
export class NamespaceNotFoundError extends SochDBError {
  readonly namespace: string;

  constructor(namespace: string) {
    super(`Namespace '${namespace}' does not exist: create it with db.createNamespace({ name: '${namespace}' }).`, 'NAMESPACE_NOT_FOUND');
    this.name = 'NamespaceNotFoundError';
    this.namespace = namespace;
  }
}

/** `createCollection` of a name that exists in the namespace; code `COLLECTION_EXISTS`. */
export class CollectionExistsError extends SochDBError {
  readonly namespace: string;
  readonly collection: string;

  constructor(namespace: string, collection: string) {
    super(
      `Collection '${collection}' already exists in namespace '${namespace}': open it with ns.collection('${collection}').`,
      'COLLECTION_EXISTS',
    );
    this.name = 'CollectionExistsError';
    this.namespace = namespace;
    this.collection = collection;
  }
}

/** No collection of that name in the namespace (never created, or deleted); code `COLLECTION_NOT_FOUND`. */
export class CollectionNotFoundError extends SochDBError {
  readonly namespace: string;
  readonly collection: string;

  constructor(namespace: string, collection: string) {
    super(
      `Collection '${collection}' does not exist in namespace '${namespace}': create it with ns.createCollection(...).`,
      'COLLECTION_NOT_FOUND',
    );
    this.name = 'CollectionNotFoundError';
    this.namespace = namespace;
    this.collection = collection;
  }
}

/** `insert` of an id the collection already holds; code `DOCUMENT_EXISTS`. Nothing was written. */
export class DocumentExistsError extends SochDBError {
  readonly id: string;

  constructor(id: string) {
    super(`A document with id '${id}' already exists in this collection: use upsert() to replace it.`, 'DOCUMENT_EXISTS');
    this.name = 'DocumentExistsError';
    this.id = id;
  }
}
