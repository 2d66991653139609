/**
 * Reads and writes of SochDB's reserved records (namespaces, collections, documents) on behalf of
 * the Namespace and Collection objects. Internal.
 *
 * Catalog checks read at `LATEST` (every commit, durable or not), because `createNamespace` and
 * `createCollection` are synchronous: a create followed at once by a lookup must see it although
 * group commit has not made it durable yet. A check and the write it guards run in one
 * synchronous step, so no other call of this process can slip between them.
 */
import type { DatabaseCore } from './core.js';
import { LATEST } from './engine/abi.js';
import { pendingDropKey, pendingDropRange, pendingDropsRange, type KeyRange } from './reserved-keys.js';

/** Keys deleted per transaction when a collection or namespace is dropped. */
export const DELETE_BATCH_KEYS = 1000;
const SCAN_BATCH_BYTES = 1024 * 1024;

/** The value of a reserved key at the latest commit, or null. */
export function readLatest(core: DatabaseCore, key: Uint8Array): Buffer | null {
  return core.engine.get(LATEST, key);
}

/** Up to `limit` pairs of `range` at the latest commit, in key order (all of them by default). */
export function scanLatest(core: DatabaseCore, range: KeyRange, limit = Infinity): Array<[Buffer, Buffer]> {
  const engine = core.engine;
  const pairs: Array<[Buffer, Buffer]> = [];
  const cursor = engine.cursorOpen(LATEST, range.start, range.end);
  try {
    while (pairs.length < limit) {
      const next = engine.cursorNext(cursor, Math.min(limit - pairs.length, DELETE_BATCH_KEYS), SCAN_BATCH_BYTES);
      if (next === null) break;
      let at = 0;
      for (let i = 0; i < next.count; i++) {
        const keyLength = next.batch.readUInt32LE(at);
        const valueLength = next.batch.readUInt32LE(at + 4);
        const keyStart = at + 8;
        at = keyStart + keyLength + valueLength;
        pairs.push([next.batch.subarray(keyStart, keyStart + keyLength), next.batch.subarray(keyStart + keyLength, at)]);
      }
    }
  } finally {
    engine.cursorClose(cursor);
  }
  return pairs;
}

/** One autocommit write, whose durability the caller awaits (or `settleInBackground`s). */
export function putNow(core: DatabaseCore, key: Uint8Array, value: Uint8Array): void {
  core.engine.put(0, key, value);
}

/**
 * Applies `writes` in one engine transaction, committed before returning: all or nothing (an
 * engine refusal, e.g. a document the engine's own checks reject, aborts the whole batch).
 */
export function commitBatch(core: DatabaseCore, writes: ReadonlyArray<{ key: Uint8Array; value: Uint8Array | null }>): void {
  const engine = core.engine;
  const txn = engine.txnBegin();
  try {
    for (const { key, value } of writes) {
      if (value === null) engine.delete(txn, key);
      else engine.put(txn, key, value);
    }
  } catch (e) {
    if (engine.deadError === null) engine.txnAbort(txn);
    throw e;
  }
  engine.txnCommit(txn); // the transaction is gone afterwards, committed or not
}

/**
 * For the synchronous creates: the commit's durability is not awaited by the caller, so its
 * failure must not surface as an unhandled rejection. It is not lost: a failed write poisons the
 * database (the writer tells it), and every later call reports it.
 */
export function settleInBackground(durable: Promise<void>): void {
  durable.catch(() => {});
}

/**
 * Starts a drop: deletes `records` (a namespace's record first, then its collections'; or a
 * collection's), then writes the pending-drop record of `range`, so the collection or namespace is
 * gone at once and for good, and its documents will be deleted (`deleteLeftovers` now, or
 * `resumePendingDrops` at the next open). Each write commits on its own, at the latest state: a
 * transaction would read at the durable state, and conflict with a create whose commit is not yet
 * durable. In this order a crash in between never leaves a pending drop of a live collection; at
 * worst some records of a dropped namespace (which its next create clears) or, without the
 * pending-drop record, documents that a create of the name clears.
 */
export function startDrop(core: DatabaseCore, records: Uint8Array[], range: KeyRange): void {
  for (const key of records) core.engine.delete(0, key);
  core.engine.put(0, pendingDropKey(range), Buffer.alloc(0));
}

/**
 * Deletes the documents of a started drop in `range`, in transactions of `DELETE_BATCH_KEYS`, each
 * awaited until durable (so a huge collection does not pile up in memory), then its pending-drop
 * record. Stops as soon as that record is gone: a create of the same name cleared the range itself
 * (`clearLeftovers`), and documents written after that belong to the new collection.
 */
export async function deleteLeftovers(core: DatabaseCore, range: KeyRange): Promise<void> {
  const marker = pendingDropKey(range);
  // A batch is a transaction, reading at the durable state: documents written just before the
  // drop must be durable first, or deleting them would conflict with their own commit.
  await core.writer.durable();
  for (;;) {
    core.assertUsable();
    if (readLatest(core, marker) === null) return;
    const more = deleteBatch(core, range);
    if (!more) core.engine.delete(0, marker);
    await core.writer.durable();
    if (!more) return;
  }
}

/**
 * At open: resumes, in the background, every drop a crash or a close cut short. Errors end it
 * quietly (a close stops it; a storage failure poisons the database, which reports it): the
 * pending-drop records stay, and the next open resumes again.
 */
export function resumePendingDrops(core: DatabaseCore): void {
  const pending = scanLatest(core, pendingDropsRange());
  if (pending.length === 0) return;
  const resume = async (): Promise<void> => {
    for (const [key] of pending) await deleteLeftovers(core, pendingDropRange(key));
  };
  // After the open returns: the caller's first calls are not held up by a big leftover.
  settleInBackground(Promise.resolve().then(resume));
}

/**
 * Before a create: deletes what a drop of the same name left in `range` (the drop was cut short
 * by a crash or a close and not resumed yet, or is still running), synchronously, in transactions
 * of `DELETE_BATCH_KEYS`, then the drop's pending-drop record. Usually one empty probe. Like the
 * create itself, the deletes are durable with the next awaited write; until then `Collection.get`,
 * which reads what is durable, answers null, since the new record is not durable either.
 */
export function clearLeftovers(core: DatabaseCore, range: KeyRange): void {
  let more = true;
  while (more) more = deleteBatch(core, range);
  const marker = pendingDropKey(range);
  if (readLatest(core, marker) !== null) core.engine.delete(0, marker);
}

/** Deletes the first `DELETE_BATCH_KEYS` keys of `range` in one commit; true if it may hold more. */
function deleteBatch(core: DatabaseCore, range: KeyRange): boolean {
  const keys = scanLatest(core, range, DELETE_BATCH_KEYS).map(([key]) => ({ key, value: null }));
  if (keys.length > 0) commitBatch(core, keys);
  return keys.length === DELETE_BATCH_KEYS;
}
