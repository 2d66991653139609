// User calls and SochDB's reserved key prefix: writes there are refused, scans that cross it
// skip it, and a scan that starts inside it (a backup tool) sees exactly its range.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../pkg-ts/src/index.js';
import { RESERVED_PREFIX } from '../../pkg-ts/src/reserved-keys.js';
import { b, collect, dbFixture } from './db-helpers.js';

const { open } = dbFixture('reserved');
const reservedKey = Buffer.concat([RESERVED_PREFIX, b('nx')]);

describe('the reserved prefix', () => {
  it('refuses user puts and deletes under it, in autocommit and in transactions, writing nothing', async () => {
    const db = open();
    await expect(db.put(reservedKey, b('v'))).rejects.toMatchObject({ code: 'RESERVED_KEY' });
    await expect(db.delete(reservedKey)).rejects.toBeInstanceOf(InvalidArgumentError);
    const txn = db.beginTransaction();
    await expect(txn.put(reservedKey, b('v'))).rejects.toMatchObject({ code: 'RESERVED_KEY' });
    await expect(txn.delete(reservedKey)).rejects.toMatchObject({ code: 'RESERVED_KEY' });
    await txn.commit();
    expect(await db.get(reservedKey)).toBeNull();
  });

  it('still takes keys that merely share a few of its bytes', async () => {
    const db = open();
    for (const key of [b('\x00soch'), b('\x00soch\x01'), b('\x00'), b('soch\x00')]) await db.put(key, b('ok'));
    expect((await collect(db.scan(b('')))).map(([k]) => Buffer.from(k).toString('hex'))).toEqual(['00', '00736f6368', '00736f636801', '736f636800']);
  });
});
