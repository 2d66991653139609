/**
 * A transaction on the main thread; its state lives in the worker under a handle this side
 * picked, so `db.beginTransaction()` stays synchronous. Same contract as Node's `Transaction`.
 */
import { assertBytes, assertUserWritableKey } from '../core.js';
import { TransactionError } from '../errors.js';
import type { TransactionState } from '../transaction.js';
import { asBuffer } from './bytes.js';
import { RemoteScan } from './remote-scan.js';
import type { WorkerLink } from './worker-link.js';

export class RemoteTransaction {
  readonly #link: WorkerLink;
  readonly #id: number;
  readonly #newHandle: () => number;
  #state: TransactionState = 'open';

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

  async put(key: Uint8Array, value: Uint8Array): Promise<void> {
    this.#assertOpen();
    assertBytes(key, 'key');
    assertBytes(value, 'value');
    assertUserWritableKey(key);
    await this.#link.call((api) => api.put(this.#id, key, value));
  }

  async get(key: Uint8Array): Promise<Buffer | null> {
    this.#assertOpen();
    assertBytes(key, 'key');
    return asBuffer(await this.#link.call((api) => api.get(this.#id, key)));
  }

  async delete(key: Uint8Array): Promise<void> {
    this.#assertOpen();
    assertBytes(key, 'key');
    assertUserWritableKey(key);
    await this.#link.call((api) => api.delete(this.#id, key));
  }

  scan(start: Uint8Array, end?: Uint8Array | null): RemoteScan {
    this.#assertOpen();
    assertBytes(start, 'start');
    if (end !== undefined && end !== null) assertBytes(end, 'end');
    return new RemoteScan(this.#link, this.#id, start, end ?? null, this.#newHandle);
  }

  /** Commits; throws `TransactionConflictError` when another commit won (nothing was applied). */
  async commit(): Promise<void> {
    this.#assertOpen();
    this.#state = 'aborted'; // until the worker says otherwise
    await this.#link.call((api) => api.txnCommit(this.#id));
    this.#state = 'committed';
  }

  /** Discards the writes. Never throws, also after the database closed or its worker died. */
  async abort(): Promise<void> {
    if (this.#state !== 'open') return;
    this.#state = 'aborted';
    if (this.#link.ended !== null) return;
    await this.#link.call((api) => api.txnAbort(this.#id)).catch(() => {});
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
