import { cpSync, existsSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsAdapter } from '../../node-adapter/src/fs-adapter.js';
import {
  CorruptionError,
  Database,
  DatabaseError,
  DatabaseLockedError,
  StorageError,
} from '../../pkg-ts/src/index.js';
import { b, collect, dbFixture } from './db-helpers.js';

const { newDir, open } = dbFixture('persist');

/** What a crash would leave: the files as they are now, without the LOCK of the live process. */
function crashImage(dir: string): string {
  const image = newDir();
  cpSync(dir, image, { recursive: true, filter: (src) => !src.endsWith('/LOCK') });
  return image;
}

const walFiles = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('wal-')).sort();
const segmentFiles = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('seg-')).sort();

describe('reopen', () => {
  it('keeps every committed write across close and open', async () => {
    const dir = newDir();
    const db = Database.open(dir);
    for (let i = 0; i < 100; i++) await db.put(b(`k${i}`), b(`v${i}`));
    await db.delete(b('k7'));
    await db.close();
    const again = open(dir);
    expect((await again.get(b('k99')))?.toString()).toBe('v99');
    expect(await again.get(b('k7'))).toBeNull();
    expect((await collect(again.scan(b('k')))).length).toBe(99);
  });

  it('recovers committed writes from the WAL after a crash (no close)', async () => {
    const dir = newDir();
    const db = open(dir);
    await db.put(b('a'), b('1'));
    const txn = db.beginTransaction();
    await txn.put(b('b'), b('2'));
    await txn.put(b('c'), b('3'));
    await txn.commit();
    const recovered = open(crashImage(dir));
    expect((await collect(recovered.scan(b('')))).map(([k, v]) => `${k}=${v}`)).toEqual(['a=1', 'b=2', 'c=3']);
  });

  it('recovers from checkpoint + WAL tail after a crash', async () => {
    const dir = newDir();
    const db = open(dir);
    await db.put(b('before'), b('checkpointed'));
    await db.checkpoint();
    await db.put(b('after'), b('in the wal'));
    expect(segmentFiles(dir).length).toBe(1);
    const recovered = open(crashImage(dir));
    expect((await recovered.get(b('before')))?.toString()).toBe('checkpointed');
    expect((await recovered.get(b('after')))?.toString()).toBe('in the wal');
  });

  it('drops the torn tail of a truncated WAL file and keeps the records before it', async () => {
    const dir = newDir();
    const db = open(dir);
    await db.put(b('k1'), b('first'));
    await db.put(b('k2'), b('second'));
    await db.put(b('k3'), b('third, to be torn'));
    const image = crashImage(dir);
    const [wal] = walFiles(image);
    const path = join(image, wal!);
    const size = statSync(path).size;
    truncateSync(path, size - 5);
    const recovered = open(image);
    expect((await recovered.get(b('k1')))?.toString()).toBe('first');
    expect((await recovered.get(b('k2')))?.toString()).toBe('second');
    expect(await recovered.get(b('k3'))).toBeNull();
    // The tail is cut off on open, and new commits append after the last good record.
    expect(statSync(path).size).toBeLessThan(size - 5);
    await recovered.put(b('k4'), b('after recovery'));
    await recovered.close();
    const again = open(image);
    expect((await again.get(b('k4')))?.toString()).toBe('after recovery');
    expect((await again.get(b('k2')))?.toString()).toBe('second');
  });

  it('refuses to open with CorruptionError when a byte of a segment is flipped, and releases the lock', async () => {
    const dir = newDir();
    const db = Database.open(dir);
    for (let i = 0; i < 50; i++) await db.put(b(`k${i}`), b(`value number ${i}`));
    await db.close();
    const [segment] = segmentFiles(dir);
    const path = join(dir, segment!);
    const bytes = readFileSync(path);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x40;
    writeFileSync(path, bytes);
    const error = (() => {
      try {
        Database.open(dir);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CorruptionError);
    expect(error).toMatchObject({ code: 'CORRUPTION' });
    expect(existsSync(join(dir, 'LOCK'))).toBe(false);
  });

  it('refuses to open with CorruptionError when a WAL record before the tail is damaged', async () => {
    const dir = newDir();
    const db = open(dir);
    await db.put(b('k1'), b('first record'));
    await db.put(b('k2'), b('second record'));
    const image = crashImage(dir);
    const path = join(image, walFiles(image)[0]!);
    const bytes = readFileSync(path);
    bytes[16 + 8 + 3]! ^= 0xff; // inside the first record's payload
    writeFileSync(path, bytes);
    expect(() => Database.open(image)).toThrow(CorruptionError);
  });

  it('removes leftovers of an interrupted checkpoint on open', async () => {
    const dir = newDir();
    const db = Database.open(dir);
    await db.put(b('k'), b('v'));
    await db.close();
    writeFileSync(join(dir, 'seg-00000000000000ff.sst'), 'orphan segment');
    writeFileSync(join(dir, 'idx-00000000000000ff.vix'), 'orphan collection index');
    writeFileSync(join(dir, 'MANIFEST.tmp'), 'half-written manifest');
    writeFileSync(join(dir, 'wal-0000000000000000.log'), 'old generation');
    writeFileSync(join(dir, 'notes.txt'), 'not ours');
    const again = open(dir);
    expect((await again.get(b('k')))?.toString()).toBe('v');
    const names = readdirSync(dir);
    expect(names).not.toContain('seg-00000000000000ff.sst');
    expect(names).not.toContain('idx-00000000000000ff.vix');
    expect(names).not.toContain('MANIFEST.tmp');
    expect(names).not.toContain('wal-0000000000000000.log');
    expect(names).toContain('notes.txt');
  });

  it('checkpoints automatically past memtableSizeBytes and replaces old WAL files', async () => {
    const dir = newDir();
    const db = open(dir, { memtableSizeBytes: 32 * 1024 });
    for (let i = 0; i < 200; i++) await db.put(b(`k${String(i).padStart(4, '0')}`), Buffer.alloc(1000, i));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const stats = await db.stats();
    expect(stats.wal.checkpoints).toBeGreaterThan(1);
    expect(stats.segmentCount).toBeGreaterThan(0);
    expect(walFiles(dir)).toEqual([stats.wal.walFile]);
    expect((await db.get(b('k0000')))?.[0]).toBe(0);
    expect((await db.get(b('k0199')))?.[0]).toBe(199);
  });
});

describe('sync modes and WAL settings', () => {
  it.each(['full', 'normal', 'off'] as const)("persist writes across close with syncMode '%s'", async (syncMode) => {
    const dir = newDir();
    const db = Database.open(dir, { syncMode });
    for (let i = 0; i < 20; i++) await db.put(b(`k${i}`), b(`v${i}`));
    await db.close();
    const again = open(dir);
    expect((await again.get(b('k19')))?.toString()).toBe('v19');
  });

  it("with syncMode 'off', appends the WAL soon after commits", async () => {
    const dir = newDir();
    const db = open(dir, { syncMode: 'off' });
    await db.put(b('k'), b('v'));
    await new Promise((resolve) => setTimeout(resolve, 120));
    const recovered = open(crashImage(dir));
    expect((await recovered.get(b('k')))?.toString()).toBe('v');
  });

  it('with walEnabled false, writes no WAL and persists at close', async () => {
    const dir = newDir();
    const db = Database.open(dir, { walEnabled: false });
    await db.put(b('k'), b('v'));
    expect((await db.get(b('k')))?.toString()).toBe('v');
    const image = crashImage(dir);
    await db.close();
    const lost = open(image);
    expect(await lost.get(b('k'))).toBeNull(); // a crash before a checkpoint loses it, as documented
    const again = open(dir);
    expect((await again.get(b('k')))?.toString()).toBe('v');
  });

  it('with groupCommit false, flushes once per commit', async () => {
    const db = open(undefined, { groupCommit: false });
    await Promise.all(Array.from({ length: 5 }, (_, i) => db.put(b(`k${i}`), b('v'))));
    expect((await db.stats()).wal.flushes).toBe(5);
  });
});

describe('locking', () => {
  it('refuses a second open of the same directory with DatabaseLockedError naming the pid', async () => {
    const dir = newDir();
    open(dir);
    let error: unknown;
    try {
      Database.open(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DatabaseLockedError);
    expect(error).toMatchObject({ code: 'DATABASE_LOCKED', holderPid: process.pid });
    expect((error as Error).message).toMatch(String(process.pid));
  });

  it('releases the directory on close, so it can be opened again', async () => {
    const dir = newDir();
    const db = Database.open(dir);
    await db.close();
    expect(existsSync(join(dir, 'LOCK'))).toBe(false);
    open(dir);
  });
});

/** An fs adapter whose appends start failing on demand. */
class FailingFsAdapter extends FsAdapter {
  failAppends = false;
  override async append(name: string, data: Uint8Array): Promise<void> {
    if (this.failAppends) throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
    return super.append(name, data);
  }
}

describe('storage failures', () => {
  it('poison the database: the failed write rejects, later calls refuse, reopen recovers', async () => {
    const dir = newDir();
    const adapter = new FailingFsAdapter(dir);
    const db = Database.open(dir, { adapter });
    await db.put(b('kept'), b('durable'));
    adapter.failAppends = true;
    const failed = await db.put(b('lost'), b('never durable')).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(StorageError);
    expect((failed as Error).message).toMatch(/reopen/);
    await expect(db.get(b('kept'))).rejects.toMatchObject({ code: 'DATABASE_POISONED' });
    await expect(db.put(b('x'), b('y'))).rejects.toBeInstanceOf(DatabaseError);
    await db.close(); // releases the lock without touching the files
    const again = open(dir);
    expect((await again.get(b('kept')))?.toString()).toBe('durable');
    expect(await again.get(b('lost'))).toBeNull();
  });
});
