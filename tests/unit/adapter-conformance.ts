/**
 * One StorageAdapter conformance body, run per adapter (fs and memory in Node; OPFS and
 * IndexedDB in a browser later). `makeAdapter` returns a fresh, empty adapter on each call;
 * `reopen` (optional) returns a second adapter over the same storage, to check persistence and
 * lock exclusivity across instances.
 */
import { describe, expect, it } from 'vitest';
import type { StorageAdapter } from '../../pkg-ts/src/storage/adapter.js';

export interface ConformanceTarget {
  makeAdapter: () => Promise<StorageAdapter> | StorageAdapter;
  reopen?: (adapter: StorageAdapter) => Promise<StorageAdapter> | StorageAdapter;
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array | null): string | null => (data === null ? null : new TextDecoder().decode(data));

export function adapterConformance(name: string, target: ConformanceTarget): void {
  describe(`StorageAdapter conformance: ${name}`, () => {
    it('reads null for a file that does not exist', async () => {
      const a = await target.makeAdapter();
      expect(await a.read('nope')).toBeNull();
    });

    it('reads back every append in order (read-after-append)', async () => {
      const a = await target.makeAdapter();
      await a.append('wal', bytes('one,'));
      await a.append('wal', bytes('two,'));
      await a.flush('wal');
      await a.append('wal', bytes('three'));
      expect(text(await a.read('wal'))).toBe('one,two,three');
    });

    it('appends large data whole', async () => {
      const a = await target.makeAdapter();
      const big = new Uint8Array(3 * 1024 * 1024 + 7).map((_, i) => (i * 31) & 0xff);
      await a.append('big', big);
      await a.append('big', bytes('!'));
      const back = (await a.read('big'))!;
      expect(back.length).toBe(big.length + 1);
      expect(Buffer.compare(Buffer.from(back.subarray(0, big.length)), Buffer.from(big))).toBe(0);
    });

    it('replaces a whole file with writeAtomic, also one that had appends', async () => {
      const a = await target.makeAdapter();
      await a.writeAtomic('MANIFEST', bytes('first version, long'));
      await a.writeAtomic('MANIFEST', bytes('second'));
      expect(text(await a.read('MANIFEST'))).toBe('second');
      await a.append('log', bytes('appended'));
      await a.writeAtomic('log', bytes('header'));
      await a.append('log', bytes('+more'));
      expect(text(await a.read('log'))).toBe('header+more');
    });

    it('leaves no temp file behind after writeAtomic', async () => {
      const a = await target.makeAdapter();
      await a.writeAtomic('MANIFEST', bytes('x'));
      expect((await a.list()).filter((n) => n !== 'LOCK').sort()).toEqual(['MANIFEST']);
    });

    it('truncates to a length, and appends continue from there', async () => {
      const a = await target.makeAdapter();
      await a.append('wal', bytes('good-torn'));
      await a.truncate('wal', 4);
      expect(text(await a.read('wal'))).toBe('good');
      await a.append('wal', bytes('+next'));
      expect(text(await a.read('wal'))).toBe('good+next');
    });

    it('lists the files present', async () => {
      const a = await target.makeAdapter();
      await a.append('b', bytes('1'));
      await a.writeAtomic('a', bytes('2'));
      expect((await a.list()).filter((n) => n !== 'LOCK').sort()).toEqual(['a', 'b']);
    });

    it('removes files, and removing a missing file is a no-op', async () => {
      const a = await target.makeAdapter();
      await a.append('gone', bytes('1'));
      await a.remove('gone');
      await a.remove('never-existed');
      expect(await a.read('gone')).toBeNull();
      expect((await a.list()).filter((n) => n !== 'LOCK')).toEqual([]);
      await a.append('gone', bytes('again'));
      expect(text(await a.read('gone'))).toBe('again');
    });

    it('refuses to flush a file that does not exist', async () => {
      const a = await target.makeAdapter();
      await expect(a.flush('missing')).rejects.toMatchObject({ code: 'ENOENT' });
      expect(await a.read('missing')).toBeNull();
    });

    it('flushes a file created by append', async () => {
      const a = await target.makeAdapter();
      await a.append('new', bytes('x'));
      await expect(a.flush('new')).resolves.toBeUndefined();
    });

    it('keeps data after close, for the same adapter', async () => {
      const a = await target.makeAdapter();
      await a.append('wal', bytes('kept'));
      await a.flush('wal');
      await a.close();
      expect(text(await a.read('wal'))).toBe('kept');
      await a.append('wal', bytes('+more'));
      expect(text(await a.read('wal'))).toBe('kept+more');
    });

    it('lets one holder have the lock at a time', async () => {
      const a = await target.makeAdapter();
      await a.lock();
      const other = target.reopen ? await target.reopen(a) : a;
      await expect(other.lock()).rejects.toMatchObject({ code: 'DATABASE_LOCKED' });
      await a.unlock();
      await other.lock();
      await other.unlock();
    });

    if (target.reopen) {
      it('shows what one instance wrote to another over the same storage', async () => {
        const a = await target.makeAdapter();
        await a.writeAtomic('MANIFEST', bytes('m'));
        await a.append('wal', bytes('w'));
        await a.flush('wal');
        await a.close();
        const b = await target.reopen!(a);
        expect(text(await b.read('MANIFEST'))).toBe('m');
        expect(text(await b.read('wal'))).toBe('w');
      });
    }
  });
}
