import { describe, expect, it } from 'vitest';
import { TransactionConflictError, TransactionError } from '../../pkg-ts/src/index.js';
import { b, collect, dbFixture } from './db-helpers.js';

const { open } = dbFixture('txn');

describe('transactions', () => {
  it('commit all writes at once, as in the guide', async () => {
    const db = open();
    const txn = await db.beginTransaction();
    await txn.put(b('account:1:balance'), b('1000'));
    await txn.put(b('account:2:balance'), b('500'));
    expect(await db.get(b('account:1:balance'))).toBeNull();
    await txn.commit();
    expect((await db.get(b('account:1:balance')))?.toString()).toBe('1000');
    expect((await db.get(b('account:2:balance')))?.toString()).toBe('500');
  });

  it('read their own writes, deletes included', async () => {
    const db = open();
    await db.put(b('gone'), b('x'));
    const txn = db.beginTransaction();
    await txn.put(b('k'), b('mine'));
    await txn.delete(b('gone'));
    expect((await txn.get(b('k')))?.toString()).toBe('mine');
    expect(await txn.get(b('gone'))).toBeNull();
    expect((await db.get(b('gone')))?.toString()).toBe('x');
    await txn.abort();
  });

  it('scan their own writes merged with the snapshot, as in the guide', async () => {
    const db = open();
    await db.put(b('key0'), b('committed'));
    const txn = db.beginTransaction();
    await txn.put(b('key1'), b('value1'));
    await txn.put(b('key2'), b('value2'));
    expect(await collect(txn.scan(b('key'), b('key~')))).toEqual([
      ['key0', 'committed'],
      ['key1', 'value1'],
      ['key2', 'value2'],
    ]);
    await txn.commit();
  });

  it('are isolated: a snapshot does not see later commits', async () => {
    const db = open();
    await db.put(b('k'), b('before'));
    const reader = db.beginTransaction();
    await db.put(b('k'), b('after'));
    await db.put(b('new'), b('x'));
    expect((await reader.get(b('k')))?.toString()).toBe('before');
    expect(await reader.get(b('new'))).toBeNull();
    await reader.abort();
  });

  it('discard their writes on abort', async () => {
    const db = open();
    const txn = db.beginTransaction();
    await txn.put(b('k'), b('v'));
    await txn.abort();
    expect(await db.get(b('k'))).toBeNull();
    expect((await db.stats()).openTxns).toBe(0);
  });

  it('let the first committer win; the second gets TransactionConflictError and applies nothing', async () => {
    const db = open();
    const first = db.beginTransaction();
    const second = db.beginTransaction();
    await first.put(b('k'), b('first'));
    await second.put(b('k'), b('second'));
    await second.put(b('other'), b('second'));
    await first.commit();
    const error = await second.commit().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionConflictError);
    expect(error).toMatchObject({ code: 'TXN_CONFLICT' });
    expect((await db.get(b('k')))?.toString()).toBe('first');
    expect(await db.get(b('other'))).toBeNull();
    await second.abort(); // the guide's catch block: must not throw
  });

  it('conflict with an autocommit write made after their snapshot', async () => {
    const db = open();
    const txn = db.beginTransaction();
    await db.put(b('k'), b('outside'));
    await txn.put(b('k'), b('inside'));
    await expect(txn.commit()).rejects.toBeInstanceOf(TransactionConflictError);
  });

  it('do not conflict on disjoint keys', async () => {
    const db = open();
    const a = db.beginTransaction();
    const c = db.beginTransaction();
    await a.put(b('a'), b('1'));
    await c.put(b('c'), b('2'));
    await a.commit();
    await c.commit();
    expect((await db.get(b('c')))?.toString()).toBe('2');
  });

  it('make a lost update impossible: two concurrent increments both count', async () => {
    const db = open();
    await db.put(b('counter'), b('0'));
    const increment = () =>
      db.withTransaction(
        async (txn) => {
          const value = Number((await txn.get(b('counter')))!.toString());
          await new Promise((resolve) => setTimeout(resolve, 5)); // both read before either writes
          await txn.put(b('counter'), b(String(value + 1)));
        },
        { retries: 3 },
      );
    await Promise.all([increment(), increment()]);
    expect((await db.get(b('counter')))?.toString()).toBe('2');
  });

  it('without retries, surface the conflict of concurrent increments', async () => {
    const db = open();
    await db.put(b('counter'), b('0'));
    const increment = () =>
      db.withTransaction(async (txn) => {
        const value = Number((await txn.get(b('counter')))!.toString());
        await new Promise((resolve) => setTimeout(resolve, 5));
        await txn.put(b('counter'), b(String(value + 1)));
      });
    const results = await Promise.allSettled([increment(), increment()]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(
      TransactionConflictError,
    );
    expect((await db.get(b('counter')))?.toString()).toBe('1');
  });

  it('throw TransactionError on any use after commit or abort', async () => {
    const db = open();
    const committed = db.beginTransaction();
    await committed.put(b('k'), b('v'));
    await committed.commit();
    await expect(committed.put(b('k'), b('v2'))).rejects.toBeInstanceOf(TransactionError);
    await expect(committed.get(b('k'))).rejects.toMatchObject({ code: 'TXN_CLOSED' });
    await expect(committed.commit()).rejects.toBeInstanceOf(TransactionError);
    expect(() => committed.scan(b(''))).toThrow(TransactionError);
    const aborted = db.beginTransaction();
    await aborted.abort();
    await aborted.abort(); // a no-op
    await expect(aborted.delete(b('k'))).rejects.toBeInstanceOf(TransactionError);
  });

  it('end their open scans when they commit', async () => {
    const db = open();
    await db.put(b('k1'), b('v'));
    await db.put(b('k2'), b('v'));
    const txn = db.beginTransaction();
    const pairs = txn.scan(b('k'));
    await pairs.next();
    expect((await db.stats()).openCursors).toBe(1);
    await txn.commit();
    expect((await db.stats()).openCursors).toBe(0);
    await expect(pairs.next()).rejects.toBeInstanceOf(TransactionError);
  });

  it('are aborted by close', async () => {
    const db = open();
    const txn = db.beginTransaction();
    await txn.put(b('k'), b('v'));
    await db.close();
    expect(txn.state).toBe('aborted');
    await expect(txn.commit()).rejects.toMatchObject({ code: 'DATABASE_CLOSED' });
    await expect(txn.abort()).resolves.toBeUndefined(); // still safe in a catch block
  });

  it('withTransaction commits on success and returns the result', async () => {
    const db = open();
    const result = await db.withTransaction(async (txn) => {
      await txn.put(b('k'), b('v'));
      return 42;
    });
    expect(result).toBe(42);
    expect((await db.get(b('k')))?.toString()).toBe('v');
  });

  it('withTransaction aborts and rethrows when the function throws', async () => {
    const db = open();
    await expect(
      db.withTransaction(async (txn) => {
        await txn.put(b('k'), b('v'));
        throw new Error('app failure');
      }),
    ).rejects.toThrow('app failure');
    expect(await db.get(b('k'))).toBeNull();
    expect((await db.stats()).openTxns).toBe(0);
  });

  it('commit an empty transaction without error', async () => {
    const db = open();
    const txn = db.beginTransaction();
    await txn.commit();
    expect(txn.state).toBe('committed');
  });
});
