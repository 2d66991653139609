/**
 * Running out of engine memory (WebAssembly caps one engine at 4 GiB; here a capped copy of the
 * engine, `capped-engine.ts`, runs out after megabytes): checkpoints fold less rather than fail,
 * then a typed `OUT_OF_MEMORY` error, never a crash reported as a bug, never lost or corrupted data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Database, SochDBError } from '../../pkg-ts/src/index.js';
import { cappedEngine } from './capped-engine.js';
import { tempDirs } from './tmp-dirs.js';

const MB = 1024 * 1024;
const newDir = tempDirs('memory');
const engines = mkdtempSync(join(tmpdir(), 'sochdb-capped-'));
afterAll(() => rmSync(engines, { recursive: true, force: true }));

const key = (i: number) => Buffer.from(`k${String(i).padStart(5, '0')}`);
/** 1 MB, different for each key, so a value read back proves it is that key's. */
const value = (i: number) => Buffer.alloc(MB, i % 251);

/** An `OUT_OF_MEMORY` error, or a refusal of a database it stopped. */
function outOfMemory(error: unknown): boolean {
  const { code, cause } = error as { code?: string; cause?: { code?: string } };
  return code === 'OUT_OF_MEMORY' || (code === 'DATABASE_POISONED' && cause?.code === 'OUT_OF_MEMORY');
}

/** Puts 1 MB values until a put fails; returns how many succeeded and the error. */
async function fill(db: Database, limit: number): Promise<{ written: number; error: unknown }> {
  for (let i = 0; i < limit; i++) {
    try {
      await db.put(key(i), value(i));
    } catch (error) {
      return { written: i, error };
    }
  }
  return { written: limit, error: null };
}

async function expectIntact(dir: string, written: number): Promise<void> {
  const db = Database.open(dir);
  try {
    for (let i = 0; i < written; i++) {
      const got = await db.get(key(i));
      expect(got?.equals(value(i)), `key ${i} of ${written}`).toBe(true);
    }
  } finally {
    await db.close();
  }
}

describe('an engine that runs out of memory', () => {
  const capBytes = 128 * MB;
  const dir = newDir();
  let written = 0;

  it('fills most of its memory (checkpoints fold less when a merge would not fit), then fails with OUT_OF_MEMORY', async () => {
    const db = Database.open(dir, { wasmPath: cappedEngine(engines, capBytes), memtableSizeBytes: 4 * MB, syncMode: 'normal' });
    try {
      const result = await fill(db, 1000);
      written = result.written;
      // The put that failed, or (when a background checkpoint failed first) the database that
      // stopped because of it.
      expect(result.error).toBeInstanceOf(SochDBError);
      expect(outOfMemory(result.error)).toBe(true);
      expect((result.error as Error).message).not.toMatch(/report this bug/);
      // Merging every segment needs twice the data in memory: without folding less, writes stop
      // near half the cap.
      expect(written * MB).toBeGreaterThan(0.7 * capBytes);
      await expect(db.get(key(0))).rejects.toSatisfy(outOfMemory);
    } finally {
      await db.close().catch(() => {});
    }
  });

  it('keeps every write that succeeded, readable after reopening', async () => {
    expect(written).toBeGreaterThan(0);
    await expectIntact(dir, written);
  });

  it('refuses to open a database larger than its memory with OUT_OF_MEMORY, and leaves it intact', async () => {
    expect(() => Database.open(dir, { wasmPath: cappedEngine(engines, 16 * MB) })).toThrow(
      expect.objectContaining({ code: 'OUT_OF_MEMORY' }),
    );
    await expectIntact(dir, written);
  });
});

describe('a database at its memory limit', () => {
  it('refuses writes with OUT_OF_MEMORY, stays usable, deletes still pass, and opens again in the same memory', async () => {
    const dir = newDir();
    const wasmPath = cappedEngine(engines, 128 * MB);
    const limit = 48 * MB;
    const db = Database.open(dir, { wasmPath, memoryLimitBytes: limit, memtableSizeBytes: 4 * MB, syncMode: 'normal' });
    let written = 0;
    try {
      const docs = db.createNamespace({ name: 'ns' }).createCollection('docs', { dimension: 4 });
      await docs.insertBatch({ vectors: [[1, 0, 0, 0], [0, 1, 0, 0]], ids: ['a', 'b'] });
      const result = await fill(db, 1000);
      written = result.written;
      expect(result.error).toMatchObject({ code: 'OUT_OF_MEMORY' });
      expect((result.error as Error).message).toMatch(/nothing was written/);
      expect(written).toBeGreaterThan(16);
      expect((await db.stats()).dataBytes).toBeGreaterThan(limit);
      // Still open: reads and deletes work, and the refused key is absent.
      expect((await db.get(key(0)))?.equals(value(0))).toBe(true);
      expect(await db.get(key(written))).toBeNull();
      await db.delete(key(0));
      expect(await db.get(key(0))).toBeNull();
      // Dropping a collection is deletes plus an empty marker: it passes too.
      await db.namespace('ns').deleteCollection('docs');
      expect(await db.namespace('ns').listCollections()).toEqual([]);
    } finally {
      await db.close();
    }
    const reopened = Database.open(dir, { wasmPath, memoryLimitBytes: limit });
    try {
      expect(await reopened.get(key(0))).toBeNull();
      for (let i = 1; i < written; i++) expect((await reopened.get(key(i)))?.equals(value(i)), `key ${i}`).toBe(true);
    } finally {
      await reopened.close();
    }
  });

  it('takes a limit past the address space as no limit', async () => {
    const db = Database.open(newDir(), { memoryLimitBytes: 2 ** 40 });
    await db.put(key(0), value(0));
    await db.close();
  });

  it('takes only a positive whole number of bytes as a limit', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, '1' as unknown as number]) {
      expect(() => Database.open(newDir(), { memoryLimitBytes: bad })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });
});

describe('a write larger than the memory left', () => {
  it('fails with OUT_OF_MEMORY and leaves the committed data intact', async () => {
    const dir = newDir();
    const db = Database.open(dir, { wasmPath: cappedEngine(engines, 48 * MB) });
    try {
      await db.put(key(0), value(0));
      await expect(db.put(key(1), Buffer.alloc(48 * MB, 7))).rejects.toMatchObject({ code: 'OUT_OF_MEMORY' });
    } finally {
      await db.close().catch(() => {});
    }
    await expectIntact(dir, 1);
    const reopened = Database.open(dir);
    expect(await reopened.get(key(1))).toBeNull();
    await reopened.close();
  });

  it('reports the memory the engine holds in stats()', async () => {
    const db = Database.open(newDir());
    const before = (await db.stats()).engineMemoryBytes;
    await db.put(key(0), Buffer.alloc(16 * MB, 1));
    const after = (await db.stats()).engineMemoryBytes;
    expect(before).toBeGreaterThan(0);
    expect(after).toBeGreaterThanOrEqual(before + 16 * MB);
    await db.close();
  });
});
