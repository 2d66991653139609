import { existsSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  Database,
  DatabaseClosedError,
  InvalidArgumentError,
  MemoryAdapter,
  StorageError,
} from '../../pkg-ts/src/index.js';
import { b, dbFixture } from './db-helpers.js';

const { newDir, open } = dbFixture('kv');

describe('put / get / delete', () => {
  it('reads back what was put, and null after delete', async () => {
    const db = open();
    await db.put(b('user:123'), b('{"name":"Alice","age":30}'));
    expect((await db.get(b('user:123')))?.toString()).toBe('{"name":"Alice","age":30}');
    await db.delete(b('user:123'));
    expect(await db.get(b('user:123'))).toBeNull();
  });

  it('returns null for a key never written, and deleting it is a no-op', async () => {
    const db = open();
    expect(await db.get(b('missing'))).toBeNull();
    await db.delete(b('missing'));
    expect(await db.get(b('missing'))).toBeNull();
  });

  it('overwrites: the last put wins', async () => {
    const db = open();
    await db.put(b('k'), b('v1'));
    await db.put(b('k'), b('v2'));
    expect((await db.get(b('k')))?.toString()).toBe('v2');
  });

  it('keeps binary keys and values exact, zero bytes and 0xFF included', async () => {
    const db = open();
    const key = Buffer.from([0x00, 0xff, 0x00, 0x01]);
    const value = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await db.put(key, value);
    await db.put(Buffer.from([0x00, 0xff, 0x00]), b('prefix of the other'));
    expect(Buffer.compare((await db.get(key))!, value)).toBe(0);
    expect((await db.get(Buffer.from([0x00, 0xff, 0x00])))?.toString()).toBe('prefix of the other');
  });

  it('accepts a Uint8Array as well as a Buffer and returns a Buffer', async () => {
    const db = open();
    await db.put(new Uint8Array([1, 2, 3]), new Uint8Array([4, 5]));
    const value = await db.get(Buffer.from([1, 2, 3]));
    expect(Buffer.isBuffer(value)).toBe(true);
    expect([...value!]).toEqual([4, 5]);
  });

  it('returns a value the caller may mutate without changing the stored one', async () => {
    const db = open();
    await db.put(b('k'), b('abc'));
    const first = (await db.get(b('k')))!;
    first[0] = 0x7a;
    expect((await db.get(b('k')))?.toString()).toBe('abc');
  });

  it('stores an empty value, distinct from a missing key', async () => {
    const db = open();
    await db.put(b('empty'), Buffer.alloc(0));
    expect((await db.get(b('empty')))?.length).toBe(0);
  });

  it('serves many concurrent writes, all durable and readable', async () => {
    const db = open();
    await Promise.all(Array.from({ length: 500 }, (_, i) => db.put(b(`k${i}`), b(`v${i}`))));
    for (let i = 0; i < 500; i += 37) expect((await db.get(b(`k${i}`)))?.toString()).toBe(`v${i}`);
    const stats = await db.stats();
    expect(stats.wal.appends).toBeLessThan(10); // grouped
  });
});

describe('input validation', () => {
  it.each([
    ['a string key', 'key' as unknown, b('v')],
    ['a number key', 42 as unknown, b('v')],
    ['a null key', null as unknown, b('v')],
    ['a string value', b('k') as unknown, 'value' as unknown],
    ['an array value', b('k') as unknown, [1, 2] as unknown],
  ])('rejects %s with InvalidArgumentError, never coercing', async (_, key, value) => {
    const db = open();
    await expect(db.put(key as Buffer, value as Buffer)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(db.put(key as Buffer, value as Buffer)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await db.stats()).lastSeq).toBe(0);
  });

  it('rejects get and delete of a non-bytes key', async () => {
    const db = open();
    await expect(db.get('k' as unknown as Buffer)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(db.delete(7 as unknown as Buffer)).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('rejects a key over 16 KiB with KEY_TOO_LARGE and writes nothing', async () => {
    const db = open();
    await expect(db.put(Buffer.alloc(16 * 1024 + 1, 1), b('v'))).rejects.toMatchObject({ code: 'KEY_TOO_LARGE' });
    await db.put(Buffer.alloc(16 * 1024, 1), b('fits'));
    const stats = await db.stats();
    expect(stats.lastSeq).toBe(1);
    expect((await db.get(Buffer.alloc(16 * 1024, 1)))?.toString()).toBe('fits');
  });

  it('rejects an empty key and writes nothing', async () => {
    const db = open();
    await expect(db.put(Buffer.alloc(0), b('v'))).rejects.toMatchObject({ name: 'InvalidArgumentError', code: 'INVALID_ARGUMENT' });
    expect((await db.stats()).lastSeq).toBe(0);
  });

  it('rejects a value over 64 MiB with VALUE_TOO_LARGE and writes nothing', async () => {
    const db = open();
    await expect(db.put(b('big'), Buffer.alloc(64 * 1024 * 1024 + 1))).rejects.toMatchObject({
      code: 'VALUE_TOO_LARGE',
    });
    expect(await db.get(b('big'))).toBeNull();
    expect((await db.stats()).lastSeq).toBe(0);
  });
});

describe('path API', () => {
  it('stores and reads values by path, as in the guide', async () => {
    const db = open();
    await db.putPath('users/alice/email', b('alice@example.com'));
    await db.putPath('users/alice/age', b('30'));
    await db.putPath('users/alice/settings/theme', b('dark'));
    expect((await db.getPath('users/alice/email'))?.toString()).toBe('alice@example.com');
    expect((await db.getPath('users/alice/settings/theme'))?.toString()).toBe('dark');
    expect(await db.getPath('users/bob/email')).toBeNull();
  });

  it('keeps path keys in their own key space', async () => {
    const db = open();
    await db.putPath('a/b', b('path'));
    expect(await db.get(b('a/b'))).toBeNull();
  });

  it('rejects an invalid path with INVALID_PATH', async () => {
    const db = open();
    await expect(db.putPath('a//b', b('v'))).rejects.toMatchObject({ code: 'INVALID_PATH' });
    await expect(db.getPath('/a')).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('deletes by path', async () => {
    const db = open();
    await db.putPath('x/y', b('1'));
    await db.deletePath('x/y');
    expect(await db.getPath('x/y')).toBeNull();
  });
});

describe('open and close', () => {
  it('creates the directory when missing', async () => {
    const dir = `${newDir()}/nested/deeper`;
    const db = open(dir);
    expect(existsSync(dir)).toBe(true);
    await db.close();
  });

  it('returns a Database synchronously, and await on it works too', async () => {
    const dir = newDir();
    const db = Database.open(dir);
    expect(db).toBeInstanceOf(Database);
    await db.close();
    const again = await Database.open(dir);
    expect(again).toBeInstanceOf(Database);
    await again.close();
  });

  it('is closed idempotently, and every call afterwards throws DatabaseClosedError', async () => {
    const db = open();
    await db.put(b('k'), b('v'));
    await Promise.all([db.close(), db.close()]);
    await db.close();
    await expect(db.get(b('k'))).rejects.toBeInstanceOf(DatabaseClosedError);
    await expect(db.put(b('k'), b('v'))).rejects.toMatchObject({ code: 'DATABASE_CLOSED' });
    await expect(db.delete(b('k'))).rejects.toBeInstanceOf(DatabaseClosedError);
    await expect(db.checkpoint()).rejects.toBeInstanceOf(DatabaseClosedError);
    await expect(db.stats()).rejects.toBeInstanceOf(DatabaseClosedError);
    expect(() => db.scan(b(''))).toThrow(DatabaseClosedError);
    expect(() => db.beginTransaction()).toThrow(DatabaseClosedError);
  });

  it('waits for writes in flight before closing', async () => {
    const dir = newDir();
    const db = Database.open(dir);
    const writes = Array.from({ length: 50 }, (_, i) => db.put(b(`k${i}`), b(`v${i}`)));
    await db.close();
    await Promise.all(writes);
    const reopened = open(dir);
    expect((await reopened.get(b('k49')))?.toString()).toBe('v49');
  });

  it('refuses a path that is a file with StorageError', () => {
    const file = `${newDir()}-file`;
    writeFileSync(file, 'not a directory');
    expect(() => Database.open(file)).toThrow(StorageError);
  });

  it('rejects bad options with InvalidArgumentError', () => {
    expect(() => Database.open(newDir(), { syncMode: 'always' as 'full' })).toThrow(InvalidArgumentError);
    expect(() => Database.open(newDir(), { memtableSizeBytes: -1 })).toThrow(InvalidArgumentError);
    expect(() => Database.open('')).toThrow(InvalidArgumentError);
  });

  it('reports engine counters, storage, path and config in stats()', async () => {
    const dir = newDir();
    const db = open(dir, { syncMode: 'normal' });
    await db.put(b('k'), b('v'));
    const stats = await db.stats();
    expect(stats).toMatchObject({ lastSeq: 1, visibleSeq: 1, storage: 'fs', path: dir, openTxns: 0, openCursors: 0 });
    expect(stats.config).toEqual({ syncMode: 'normal', groupCommit: true, memtableSizeBytes: 64 * 1024 * 1024, walEnabled: true, storage: 'fs' });
  });

  it("runs on storage: 'memory' without touching the file system", async () => {
    const dir = newDir();
    const db = open(dir, { storage: 'memory' });
    await db.put(b('k'), b('v'));
    expect((await db.get(b('k')))?.toString()).toBe('v');
    expect((await db.stats()).storage).toBe('memory');
    await db.close();
    expect(existsSync(dir)).toBe(false);
  });

  it('reopens an in-memory database through the same MemoryAdapter', async () => {
    const adapter = new MemoryAdapter();
    const db = open('mem', { adapter });
    await db.put(b('k'), b('kept'));
    expect(() => Database.open('mem', { adapter })).toThrow(/already open/);
    await db.close();
    const again = open('mem', { adapter });
    expect((await again.get(b('k')))?.toString()).toBe('kept');
  });
});
