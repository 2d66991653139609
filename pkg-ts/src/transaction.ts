/**
 * A transaction: snapshot isolation over the database at `beginTransaction()`, its own writes
 * visible to its reads and scans, and first-committer-wins at `commit()` (a write-write conflict
 * throws `TransactionConflictError` and applies nothing).
 *
 * After `commit()` or `abort()` every call throws `TransactionError` (`TXN_CLOSED`), except
 * `abort()`, which never throws, so it is safe in a `catch` block.
 */
import { assertBytes, assertUserDelete, assertUserPut, type DatabaseCore, type EngineResource, type ResourceToken } from './core.js';
import { TransactionError } from './errors.js';
import { ScanIterator, type ScanOwner } from './scan-iterator.js';

export type TransactionState = 'open' | 'committed' | 'aborted';

export class Transaction implements EngineResource {
  readonly #core: DatabaseCore;
  readonly #id: number;
  readonly #token: ResourceToken;
  #state: TransactionState = 'open';
  readonly #scans = new Set<EngineResource>();
  readonly #owner: ScanOwner = {
    assertOpen: () => this.#assertOpen(),
    adopt: (scan) => this.#scans.add(scan),
    release: (scan) => this.#scans.delete(scan),
  };

  /** Use `db.beginTransaction()`. */
  constructor(core: DatabaseCore) {
    core.assertUsable();
    this.#core = core;
    const id = core.engine.txnBegin();
    const engine = core.engine;
    this.#id = id;
    this.#token = core.track(this, () => engine.txnAbort(id));
  }

  /** The engine's transaction id (never reused while the database is open). */
  get id(): number {
    return this.#id;
  }

  get state(): TransactionState {
    return this.#state;
  }

  /** Writes `key` in this transaction; visible to others only after `commit()`. */
  put(key: Uint8Array, value: Uint8Array): Promise<void> {
    try {
      this.#assertOpen();
      assertUserPut(key, value);
      this.#core.engine.put(this.#id, key, value);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Reads `key`: this transaction's own write if any, else its snapshot. */
  get(key: Uint8Array): Promise<Buffer | null> {
    try {
      this.#assertOpen();
      assertBytes(key, 'key');
      return Promise.resolve(this.#core.engine.get(this.#id, key));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Deletes `key` in this transaction. */
  delete(key: Uint8Array): Promise<void> {
    try {
      this.#assertOpen();
      assertUserDelete(key);
      this.#core.engine.delete(this.#id, key);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Pairs with `start <= key < end` (no `end`: to the last key) in this transaction's view, in key order. */
  scan(start: Uint8Array, end?: Uint8Array | null): ScanIterator {
    this.#assertOpen();
    assertBytes(start, 'start');
    if (end !== undefined && end !== null) assertBytes(end, 'end');
    return new ScanIterator(this.#core, this.#id, this.#owner, start, end ?? null);
  }

  /**
   * Commits; resolves when the writes are durable per the database's `syncMode`. Throws
   * `TransactionConflictError` when another transaction committed a write to a key this one
   * wrote after this one began: nothing was applied, run it again.
   */
  async commit(): Promise<void> {
    this.#assertOpen();
    this.#end('aborted'); // until the engine says otherwise
    this.#core.engine.txnCommit(this.#id);
    this.#state = 'committed';
    await this.#core.writer.durable();
  }

  /**
   * Discards this transaction's writes. Never throws: a no-op once the transaction has ended,
   * and safe in a `catch` block even after the database closed or failed.
   */
  async abort(): Promise<void> {
    this.shutdown();
  }

  /** Ends the transaction without committing (abort, database close). Never throws. */
  shutdown(): void {
    if (this.#state !== 'open') return;
    this.#end('aborted');
    if (this.#core.closed || this.#core.engine.deadError !== null) return;
    try {
      this.#core.engine.txnAbort(this.#id);
    } catch {
      // Already gone in the engine: nothing left to discard.
    }
  }

  #end(state: TransactionState): void {
    this.#state = state;
    for (const scan of [...this.#scans]) scan.shutdown();
    this.#scans.clear();
    this.#core.untrack(this.#token);
  }

  #assertOpen(): void {
    this.#core.assertUsable();
    if (this.#state !== 'open') {
      throw new TransactionError(
        `This transaction was already ${this.#state === 'committed' ? 'committed' : 'aborted'}: begin a new one with db.beginTransaction().`,
        'TXN_CLOSED',
      );
    }
  }
}
