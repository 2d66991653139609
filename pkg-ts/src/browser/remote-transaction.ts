/**
 * A transaction on the main thread; its state lives in the worker under a handle this side
 * picked, so `db.beginTransaction()` stays synchronous. Same contract as Node's `Transaction`.
 *
 * Writes are buffered here: `put` and `delete` check their arguments at once (as in Node), copy
 * the bytes into a local batch and resolve without a round trip to the worker. The batch crosses
 * in one message (one transferred buffer, see `packWrites` in `worker-protocol.ts`) before
 * anything on this transaction that must see it (`get`, the first batch of a `scan`, `commit`),
 * and is applied to the worker's transaction in order, so reads see this transaction's own writes
 * and conflicts are detected exactly as in Node.
 *
 * What only the engine checks (e.g. `KEY_TOO_LARGE`, `VALUE_TOO_LARGE`, `TXN_TOO_LARGE`) is thus
 * reported when the batch is applied, not by the `put` / `delete` that buffered the write: as the
 * rejection of the call that sent the batch (`commit`, `get`, or the scan's first `next()`). The
 * transaction is then aborted (nothing of it is written) and every later call throws
 * `TransactionError` (`TXN_CLOSED`).
 */
import { transfer } from 'comlink';
import { assertBytes, assertUserDelete, assertUserPut } from '../core.js';
import { TransactionError } from '../errors.js';
import type { TransactionState } from '../transaction.js';
import { asBuffer } from './bytes.js';
import { RemoteScan } from './remote-scan.js';
import type { WorkerLink } from './worker-link.js';
import { WRITE_DELETE, WRITE_HEADER_BYTES, WRITE_PUT } from './worker-protocol.js';

const BATCH_INITIAL_BYTES = 64 * 1024;

export class RemoteTransaction {
  readonly #link: WorkerLink;
  readonly #id: number;
  readonly #newHandle: () => number;
  #state: TransactionState = 'open';
  /** The buffered writes, packed: `#bytes` used of `#batch`, `#count` writes. */
  #batch: Uint8Array | null = null;
  #view: DataView | null = null;
  #bytes = 0;
  #count = 0;
  /** Settles when every batch sent so far is applied; rejects with the first failure. */
  #applied: Promise<void> = Promise.resolve();

  /** Use `db.beginTransaction()`. */
  constructor(link: WorkerLink, newHandle: () => number) {
    this.#link = link;
    this.#newHandle = newHandle;
    this.#id = newHandle();
    const id = this.#id;
    // A failed begin (e.g. a closed database) surfaces on the next call, which names the handle.
    link.call((api) => api.txnBegin(id)).catch(() => {});
  }

  /** This transaction's handle (unique while the database is open). */
  get id(): number {
    return this.#id;
  }

  get state(): TransactionState {
    return this.#state;
  }

  /**
   * Writes `key` in this transaction. Resolves at once: the write is buffered and sent with the
   * next `get` / `scan` / `commit`. An error only the engine detects (e.g. `KEY_TOO_LARGE`) rejects
   * that later call instead, and aborts the transaction.
   */
  put(key: Uint8Array, value: Uint8Array): Promise<void> {
    try {
      this.#assertOpen();
      assertUserPut(key, value);
      this.#buffer(WRITE_PUT, key, value);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Reads `key`: this transaction's own write if any, else its snapshot. */
  async get(key: Uint8Array): Promise<Buffer | null> {
    this.#assertOpen();
    assertBytes(key, 'key');
    const applied = this.#flush();
    const value = this.#link.call((api) => api.get(this.#id, key));
    await settleAfter(applied, value);
    return asBuffer(await value);
  }

  /** Deletes `key` in this transaction; buffered like `put` (see there for when errors show). */
  delete(key: Uint8Array): Promise<void> {
    try {
      this.#assertOpen();
      assertUserDelete(key);
      this.#buffer(WRITE_DELETE, key, null);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Pairs with `start <= key < end` in this transaction's view, in key order. The scan sees the
   * writes buffered before its first `next()`, which rejects with a buffered write's error.
   */
  scan(start: Uint8Array, end?: Uint8Array | null): RemoteScan {
    this.#assertOpen();
    assertBytes(start, 'start');
    if (end !== undefined && end !== null) assertBytes(end, 'end');
    return new RemoteScan(this.#link, this.#id, start, end ?? null, this.#newHandle, () => this.#flush());
  }

  /**
   * Sends the buffered writes and commits; throws `TransactionConflictError` when another commit
   * won (nothing was applied), or the error of a buffered write the engine refused (e.g.
   * `KEY_TOO_LARGE`; the transaction is aborted, nothing was written).
   */
  async commit(): Promise<void> {
    this.#assertOpen();
    const applied = this.#flush();
    this.#state = 'aborted'; // until the worker says otherwise
    const committed = this.#link.call((api) => api.txnCommit(this.#id));
    await settleAfter(applied, committed);
    await committed;
    this.#state = 'committed';
  }

  /** Discards the writes. Never throws, also after the database closed or its worker died. */
  async abort(): Promise<void> {
    this.#discard();
    if (this.#state !== 'open') return;
    this.#state = 'aborted';
    if (this.#link.ended !== null) return;
    await this.#link.call((api) => api.txnAbort(this.#id)).catch(() => {});
  }

  /** Appends one write to the batch, copying its bytes (the caller may reuse its arrays). */
  #buffer(op: number, key: Uint8Array, value: Uint8Array | null): void {
    const valueLength = value === null ? 0 : value.length;
    const need = this.#bytes + WRITE_HEADER_BYTES + key.length + valueLength;
    if (this.#batch === null || need > this.#batch.length) {
      const grown = new Uint8Array(Math.max(BATCH_INITIAL_BYTES, need, (this.#batch?.length ?? 0) * 2));
      if (this.#batch !== null) grown.set(this.#batch.subarray(0, this.#bytes));
      this.#batch = grown;
      this.#view = new DataView(grown.buffer);
    }
    const at = this.#bytes;
    this.#view!.setUint8(at, op);
    this.#view!.setUint32(at + 1, key.length, true);
    this.#view!.setUint32(at + 5, valueLength, true);
    this.#batch.set(key, at + WRITE_HEADER_BYTES);
    if (value !== null) this.#batch.set(value, at + WRITE_HEADER_BYTES + key.length);
    this.#bytes = need;
    this.#count++;
  }

  /**
   * Sends the buffered writes (if any) in one message; returns a promise that settles when they
   * and every earlier batch are applied. A failure aborts this transaction.
   */
  #flush(): Promise<void> {
    if (this.#count > 0) {
      const packed = this.#batch!.subarray(0, this.#bytes);
      const count = this.#count;
      this.#discard();
      const id = this.#id;
      const sent = this.#link.call((api) => api.txnApply(id, transfer(packed, [packed.buffer]), count));
      const previous = this.#applied;
      this.#applied = previous.then(
        () => sent,
        (e: unknown) => {
          sent.catch(() => {});
          throw e;
        },
      );
      // The worker aborted the transaction on a failed batch: refuse every later call here too.
      this.#applied.catch(() => {
        if (this.#state === 'open') this.#state = 'aborted';
      });
    }
    return this.#applied;
  }

  #discard(): void {
    this.#batch = null;
    this.#view = null;
    this.#bytes = 0;
    this.#count = 0;
  }

  #assertOpen(): void {
    if (this.#state !== 'open') {
      throw new TransactionError(
        `This transaction was already ${this.#state}: begin a new one with db.beginTransaction().`,
        'TXN_CLOSED',
      );
    }
  }
}

/**
 * Waits for `applied` first: when a batch failed, its error is the one to report, and the call
 * sent after it (which then fails with `TXN_CLOSED`) is silenced.
 */
async function settleAfter(applied: Promise<void>, call: Promise<unknown>): Promise<void> {
  try {
    await applied;
  } catch (e) {
    call.catch(() => {});
    throw e;
  }
}
