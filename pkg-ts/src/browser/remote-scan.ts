/**
 * `scan()` on the main thread: an async iterator over `[key, value]` pairs fetched from the
 * worker's cursor a batch at a time (Comlink cannot proxy an async generator). The cursor opens
 * on the first `next()`; leaving a `for await` early closes it in the worker.
 */
import type { KeyValue } from '../types.js';
import type { WorkerLink } from './worker-link.js';
import type { ScanBatch, TxnHandle } from './worker-protocol.js';

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

export class RemoteScan implements AsyncIterableIterator<KeyValue> {
  readonly #link: WorkerLink;
  readonly #txn: TxnHandle;
  readonly #range: [Uint8Array, Uint8Array | null];
  readonly #newHandle: () => number;
  readonly #beforeOpen: (() => Promise<void>) | null;
  #handle = 0;
  #batch: KeyValue[] = [];
  #index = 0;
  #done = false;

  /** `beforeOpen`: run just before the cursor opens (a transaction sends its buffered writes); its rejection is the scan's. */
  constructor(
    link: WorkerLink,
    txn: TxnHandle,
    start: Uint8Array,
    end: Uint8Array | null,
    newHandle: () => number,
    beforeOpen: (() => Promise<void>) | null = null,
  ) {
    this.#link = link;
    this.#beforeOpen = beforeOpen;
    this.#txn = txn;
    this.#range = [start, end];
    this.#newHandle = newHandle;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<KeyValue>> {
    if (this.#index < this.#batch.length) return { value: this.#batch[this.#index++]!, done: false };
    if (this.#done) return DONE;
    let batch: ScanBatch;
    try {
      batch = await this.#fetch();
    } catch (e) {
      this.#done = true;
      throw e;
    }
    this.#done = batch.done;
    this.#batch = unpackPairs(batch);
    this.#index = 0;
    if (this.#batch.length === 0) return DONE;
    return { value: this.#batch[this.#index++]!, done: false };
  }

  async return(): Promise<IteratorResult<KeyValue>> {
    this.#close();
    return DONE;
  }

  async throw(error?: unknown): Promise<IteratorResult<KeyValue>> {
    this.#close();
    throw error;
  }

  #fetch(): Promise<ScanBatch> {
    if (this.#handle !== 0) return this.#link.call((api) => api.scanNext(this.#handle));
    const handle = (this.#handle = this.#newHandle());
    const [start, end] = this.#range;
    // Comlink delivers in order: the writes are applied and the cursor exists when scanNext
    // arrives. A failed batch of writes, then an open error, is reported before anything later.
    const applied = this.#beforeOpen?.() ?? Promise.resolve();
    const opened = this.#link.call((api) => api.scanOpen(handle, this.#txn, start, end));
    const first = this.#link.call((api) => api.scanNext(handle));
    const settled = async (): Promise<ScanBatch> => {
      try {
        await applied;
        await opened;
      } catch (e) {
        opened.catch(() => {});
        first.catch(() => {});
        throw e;
      }
      return first;
    };
    return settled();
  }

  #close(): void {
    this.#batch = [];
    if (this.#done) return;
    this.#done = true;
    const handle = this.#handle;
    if (handle !== 0 && this.#link.ended === null) this.#link.call((api) => api.scanClose(handle)).catch(() => {});
  }
}

/** Views of the transferred buffer, as `Buffer`s like Node's scans return. */
function unpackPairs(batch: ScanBatch): KeyValue[] {
  const { packed, count } = batch;
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const pairs: KeyValue[] = new Array(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const keyLength = view.getUint32(at, true);
    const valueLength = view.getUint32(at + 4, true);
    const keyStart = packed.byteOffset + at + 8;
    pairs[i] = [Buffer.from(packed.buffer, keyStart, keyLength), Buffer.from(packed.buffer, keyStart + keyLength, valueLength)];
    at += 8 + keyLength + valueLength;
  }
  return pairs;
}
