import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../pkg-ts/src/index.js';
import { b, collect, dbFixture } from './db-helpers.js';

const { open } = dbFixture('scan');

describe('scan', () => {
  it('returns the range [start, end) in key order, as in the guide', async () => {
    const db = open();
    await db.put(b('tenants/acme/users/1'), b('{"name":"Alice"}'));
    await db.put(b('tenants/acme/users/2'), b('{"name":"Bob"}'));
    await db.put(b('tenants/acme/orders/1'), b('{"total":100}'));
    await db.put(b('tenants/globex/users/1'), b('{"name":"Charlie"}'));
    expect(await collect(db.scan(b('tenants/acme/'), b('tenants/acme;')))).toEqual([
      ['tenants/acme/orders/1', '{"total":100}'],
      ['tenants/acme/users/1', '{"name":"Alice"}'],
      ['tenants/acme/users/2', '{"name":"Bob"}'],
    ]);
  });

  it('includes start, excludes end, and runs to the last key without an end', async () => {
    const db = open();
    for (const k of ['a', 'b', 'c', 'd']) await db.put(b(k), b(k.toUpperCase()));
    expect((await collect(db.scan(b('b'), b('d')))).map(([k]) => k)).toEqual(['b', 'c']);
    expect((await collect(db.scan(b('b')))).map(([k]) => k)).toEqual(['b', 'c', 'd']);
    expect((await collect(db.scan(b('')))).map(([k]) => k)).toEqual(['a', 'b', 'c', 'd']);
    expect(await collect(db.scan(b('x')))).toEqual([]);
    expect(await collect(db.scan(b('b'), b('b')))).toEqual([]);
  });

  it('orders keys bytewise (unsigned), not as text', async () => {
    const db = open();
    const keys = [[0x80], [0x01], [0xff, 0x00], [0x7f], [0xff]].map((k) => Buffer.from(k));
    for (const k of keys) await db.put(k, b('v'));
    const order: number[][] = [];
    for await (const [k] of db.scan(Buffer.alloc(0))) order.push([...k]);
    expect(order).toEqual([[0x01], [0x7f], [0x80], [0xff], [0xff, 0x00]]);
  });

  it('skips deleted keys', async () => {
    const db = open();
    for (const k of ['a', 'b', 'c']) await db.put(b(k), b('v'));
    await db.delete(b('b'));
    expect((await collect(db.scan(b('')))).map(([k]) => k)).toEqual(['a', 'c']);
  });

  it('streams a range larger than one batch, in order and complete', async () => {
    const db = open();
    const txn = db.beginTransaction();
    for (let i = 0; i < 5000; i++) await txn.put(b(`k${String(i).padStart(5, '0')}`), b(`v${i}`));
    await txn.commit();
    const keys = (await collect(db.scan(b('k')))).map(([k]) => k);
    expect(keys.length).toBe(5000);
    expect(keys[0]).toBe('k00000');
    expect(keys[4999]).toBe('k04999');
    expect([...keys].sort()).toEqual(keys);
  });

  it('closes its cursor on break', async () => {
    const db = open();
    for (let i = 0; i < 200; i++) await db.put(b(`k${i}`), b('v'));
    let seen = 0;
    for await (const _ of db.scan(b('k'))) {
      expect((await db.stats()).openCursors).toBe(1);
      if (++seen === 3) break;
    }
    expect((await db.stats()).openCursors).toBe(0);
  });

  it('closes its cursor when the loop body throws, and when exhausted', async () => {
    const db = open();
    for (let i = 0; i < 10; i++) await db.put(b(`k${i}`), b('v'));
    await expect(
      (async () => {
        for await (const _ of db.scan(b('k'))) throw new Error('stop');
      })(),
    ).rejects.toThrow('stop');
    expect((await db.stats()).openCursors).toBe(0);
    await collect(db.scan(b('k')));
    expect((await db.stats()).openCursors).toBe(0);
  });

  it('opens no cursor until iteration starts', async () => {
    const db = open();
    await db.put(b('k'), b('v'));
    db.scan(b(''));
    expect((await db.stats()).openCursors).toBe(0);
  });

  it('sees one snapshot: writes after the scan began are not in it', async () => {
    const db = open();
    for (let i = 0; i < 100; i++) await db.put(b(`k${String(i).padStart(3, '0')}`), b('old'));
    const seen: string[] = [];
    for await (const [k, v] of db.scan(b('k'))) {
      if (seen.length === 0) {
        await db.put(b('k050'), b('new'));
        await db.put(b('k999'), b('added'));
      }
      seen.push(`${k}=${v}`);
    }
    expect(seen.length).toBe(100);
    expect(seen).toContain('k050=old');
  });

  it('keeps streaming correct batches across a concurrent checkpoint', async () => {
    const db = open(undefined, { memtableSizeBytes: 64 * 1024 });
    const txn = db.beginTransaction();
    for (let i = 0; i < 3000; i++) await txn.put(b(`k${String(i).padStart(5, '0')}`), b(`v${i}`));
    await txn.commit();
    let count = 0;
    let previous = '';
    for await (const [k, v] of db.scan(b('k'))) {
      if (count === 10) {
        await db.put(b('k00005'), b('changed'));
        await db.checkpoint();
        for (let i = 0; i < 50; i++) await db.put(b(`z${i}`), Buffer.alloc(2000));
      }
      expect(k.toString() > previous).toBe(true);
      expect(v.toString()).toBe(`v${Number(k.toString().slice(1))}`);
      previous = k.toString();
      count++;
    }
    expect(count).toBe(3000);
    expect((await db.stats()).wal.checkpoints).toBeGreaterThanOrEqual(1);
  });

  it('rejects an end before the start with INVALID_ARGUMENT', async () => {
    const db = open();
    const pairs = db.scan(b('z'), b('a'));
    await expect(pairs.next()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('rejects non-bytes bounds at once', () => {
    const db = open();
    expect(() => db.scan('a' as unknown as Buffer)).toThrow(InvalidArgumentError);
    expect(() => db.scan(b('a'), 'b' as unknown as Buffer)).toThrow(InvalidArgumentError);
  });

  it('ends open scans when the database closes', async () => {
    const db = open();
    await db.put(b('k1'), b('v'));
    await db.put(b('k2'), b('v'));
    const pairs = db.scan(b('k'));
    await pairs.next();
    await db.close();
    await expect(pairs.next()).rejects.toMatchObject({ code: 'DATABASE_CLOSED' });
  });
});

describe('scanPrefix', () => {
  it('returns exactly the keys with the prefix', async () => {
    const db = open();
    for (const k of ['user', 'users', 'users/1', 'users/2', 'users0', 'usersabc', 'usert']) await db.put(b(k), b('v'));
    expect((await collect(db.scanPrefix(b('users/')))).map(([k]) => k)).toEqual(['users/1', 'users/2']);
    expect((await collect(db.scanPrefix(b('users')))).map(([k]) => k)).toEqual(['users', 'users/1', 'users/2', 'users0', 'usersabc']);
  });

  it('handles a prefix ending in 0xFF bytes', async () => {
    const db = open();
    const inside = Buffer.from([0x01, 0xff, 0xff, 0x05]);
    const outside = Buffer.from([0x02]);
    await db.put(inside, b('in'));
    await db.put(outside, b('out'));
    expect((await collect(db.scanPrefix(Buffer.from([0x01, 0xff])))).map(([, v]) => v)).toEqual(['in']);
    expect((await collect(db.scanPrefix(Buffer.from([0xff])))).length).toBe(0);
  });
});

describe('prefixEnd', () => {
  it("leaves the caller's prefix untouched", async () => {
    const { prefixEnd } = await import('../../pkg-ts/src/scan-iterator.js');
    const prefix = Buffer.from('users/');
    expect(Buffer.from(prefixEnd(prefix)!).toString()).toBe('users0');
    expect(prefix.toString()).toBe('users/');
    expect([...prefixEnd(Buffer.from([0x01, 0xff, 0xff]))!]).toEqual([0x02]);
    expect(prefixEnd(Buffer.from([0xff, 0xff]))).toBeNull();
  });
});

describe('abandoned scans', () => {
  it('free their engine cursor once garbage-collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const db = open();
    for (let i = 0; i < 10; i++) await db.put(b(`k${i}`), b('v'));
    await (async () => {
      const pairs = db.scan(b('k'));
      await pairs.next(); // cursor open, then the iterator is dropped
    })();
    expect((await db.stats()).openCursors).toBe(1);
    for (let i = 0; i < 10 && (await db.stats()).openCursors > 0; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await db.stats()).openCursors).toBe(0);
  });
});
