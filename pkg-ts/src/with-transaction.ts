/**
 * `withTransaction`'s loop, shared by Node's `Database` and the browser's facade: run `fn` in a
 * new transaction, commit when it returns (unless `fn` ended the transaction itself), abort when it
 * throws, and start over after a `TransactionConflictError` up to `retries` times. Internal.
 */
import { InvalidArgumentError, TransactionConflictError } from './errors.js';
import type { TransactionState } from './transaction.js';
import type { WithTransactionOptions } from './types.js';

/** What the loop needs of a transaction (Node's `Transaction` and the browser's `RemoteTransaction`). */
export interface EndableTransaction {
  readonly state: TransactionState;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export async function runInTransaction<T, X extends EndableTransaction>(
  begin: () => X,
  fn: (txn: X) => Promise<T> | T,
  options: WithTransactionOptions = {},
): Promise<T> {
  const retries = options.retries ?? 0;
  if (!Number.isSafeInteger(retries) || retries < 0) {
    throw new InvalidArgumentError(`retries must be a non-negative integer; got ${String(retries)}.`);
  }
  for (let attempt = 0; ; attempt++) {
    const txn = begin();
    try {
      const result = await fn(txn);
      if (txn.state === 'open') await txn.commit();
      return result;
    } catch (e) {
      await txn.abort();
      if (!(e instanceof TransactionConflictError) || attempt >= retries) throw e;
    }
  }
}
