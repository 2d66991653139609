/**
 * The async iterator behind `scan()`: it streams `[key, value]` pairs from an engine cursor in
 * batches, never materialising the range. The cursor opens on the first `next()` and closes when
 * the range is exhausted, on `break` / `return` / `throw` out of a `for await`, when the owning
 * transaction ends, or when the database closes.
 *
 * A scan that would cross SochDB's reserved key range without starting in it skips that range
 * (`userScanRanges`): it runs as up to two cursors, one after the other.
 *
 * Hand-written rather than an async generator: a pair already in the decoded batch costs one
 * resolved promise, with no generator machinery. Each batch is copied out of engine memory once;
 * keys and values are views of that copy.
 */
import type { DatabaseCore, EngineResource, ResourceToken } from './core.js';
import { userScanRanges } from './reserved-keys.js';
import type { KeyValue } from './types.js';

/** First batch small, so a scan that stops early does little work; later ones larger. */
const FIRST_BATCH_ENTRIES = 64;
const BATCH_ENTRIES = 1024;
const BATCH_BYTES = 1024 * 1024;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/** The owner of a transaction's scans: checked on every call so a finished transaction refuses them. */
export interface ScanOwner {
  assertOpen(): void;
  adopt(scan: EngineResource): void;
  release(scan: EngineResource): void;
}

export class ScanIterator implements AsyncIterableIterator<KeyValue>, EngineResource {
  readonly #core: DatabaseCore;
  readonly #txn: number;
  readonly #owner: ScanOwner | null;
  /** The ranges to scan, in key order; `#rangeIndex` is the one the cursor is on. */
  readonly #ranges: Array<[Uint8Array, Uint8Array | null]>;
  #rangeIndex = 0;
  #cursor = 0;
  #token: ResourceToken | null = null;
  #finished = false;
  #batch: KeyValue[] = [];
  #index = 0;

  /** `txn` 0: a fresh snapshot of committed data; else that transaction's view. */
  constructor(core: DatabaseCore, txn: number, owner: ScanOwner | null, start: Uint8Array, end: Uint8Array | null) {
    this.#core = core;
    this.#txn = txn;
    this.#owner = owner;
    this.#ranges = userScanRanges(start, end);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<KeyValue>> {
    try {
      this.#core.assertUsable();
      this.#owner?.assertOpen();
      if (this.#index < this.#batch.length) return Promise.resolve({ value: this.#batch[this.#index++]!, done: false });
      if (this.#finished) return Promise.resolve(DONE);
      this.#fetch();
      if (this.#index < this.#batch.length) return Promise.resolve({ value: this.#batch[this.#index++]!, done: false });
      return Promise.resolve(DONE);
    } catch (e) {
      this.shutdown();
      return Promise.reject(e);
    }
  }

  /** Called by `for await` on `break`, `return` or an exception in the loop body. */
  return(): Promise<IteratorResult<KeyValue>> {
    this.shutdown();
    return Promise.resolve(DONE);
  }

  throw(error?: unknown): Promise<IteratorResult<KeyValue>> {
    this.shutdown();
    return Promise.reject(error);
  }

  /** Closes the cursor (if open) and ends the iteration. Never throws. */
  shutdown(): void {
    this.#batch = [];
    this.#index = 0;
    if (this.#finished) return;
    this.#finished = true;
    this.#closeCursor();
  }

  #closeCursor(): void {
    if (this.#cursor === 0) return;
    const cursor = this.#cursor;
    this.#cursor = 0;
    if (this.#token !== null) this.#core.untrack(this.#token);
    this.#token = null;
    this.#owner?.release(this);
    if (this.#core.engine.deadError === null) {
      try {
        this.#core.engine.cursorClose(cursor);
      } catch {
        // The cursor is gone already (e.g. its transaction ended): nothing to release.
      }
    }
  }

  /** Loads the next batch into `#batch`; finishes when the last range is exhausted. */
  #fetch(): void {
    const engine = this.#core.engine;
    for (;;) {
      let maxEntries = BATCH_ENTRIES;
      if (this.#cursor === 0) {
        const [start, end] = this.#ranges[this.#rangeIndex]!;
        const cursor = engine.cursorOpen(this.#txn, start, end);
        this.#cursor = cursor;
        this.#token = this.#core.track(this, () => engine.cursorClose(cursor));
        this.#owner?.adopt(this);
        maxEntries = FIRST_BATCH_ENTRIES;
      }
      const next = engine.cursorNext(this.#cursor, maxEntries, BATCH_BYTES);
      if (next !== null) {
        this.#batch = decodeBatch(next.batch, next.count);
        this.#index = 0;
        return;
      }
      if (this.#rangeIndex + 1 >= this.#ranges.length) {
        this.shutdown();
        return;
      }
      this.#closeCursor();
      this.#rangeIndex++;
    }
  }
}

/** `(klen u32 | vlen u32 | key | value) * count`, as views of `batch`. */
function decodeBatch(batch: Buffer, count: number): KeyValue[] {
  const pairs: KeyValue[] = new Array(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const keyLength = batch.readUInt32LE(at);
    const valueLength = batch.readUInt32LE(at + 4);
    const keyStart = at + 8;
    const valueStart = keyStart + keyLength;
    at = valueStart + valueLength;
    pairs[i] = [batch.subarray(keyStart, valueStart), batch.subarray(valueStart, at)];
  }
  return pairs;
}

/** The first key after every key that starts with `prefix`, or null when there is none (all 0xFF). */
export function prefixEnd(prefix: Uint8Array): Uint8Array | null {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i] !== 0xff) {
      const end = Uint8Array.from(prefix.subarray(0, i + 1)); // a copy: Buffer#slice would be a view
      end[i]! += 1;
      return end;
    }
  }
  return null;
}
