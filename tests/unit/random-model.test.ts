/**
 * Seeded random operations against a `Map` model, with reopens (clean and crash images) and
 * checkpoints in between. A failure prints the seed; rerun with SOCHDB_SEED=<seed>.
 */
import { cpSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Database, type Transaction } from '../../pkg-ts/src/index.js';
import { tempDirs } from './tmp-dirs.js';

const newDir = tempDirs('model');

/** mulberry32: a small deterministic PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

async function modelRun(seed: number, steps: number): Promise<void> {
  const random = rng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const key = () => Buffer.from(Array.from({ length: 1 + int(3) }, () => int(6)));
  const value = () => Buffer.from(Array.from({ length: int(40) }, () => int(256)));
  const model = new Map<string, Buffer>();
  let dir = newDir();
  let db = Database.open(dir, { memtableSizeBytes: 4096 });
  try {
    for (let step = 0; step < steps; step++) {
      const op = int(100);
      if (op < 35) {
        const [k, v] = [key(), value()];
        await db.put(k, v);
        model.set(hex(k), v);
      } else if (op < 50) {
        const k = key();
        await db.delete(k);
        model.delete(hex(k));
      } else if (op < 65) {
        const k = key();
        const got = await db.get(k);
        const want = model.get(hex(k)) ?? null;
        expect(got === null ? null : hex(got), `seed ${seed} step ${step} get ${hex(k)}`).toBe(want === null ? null : hex(want));
      } else if (op < 75) {
        await transactionStep(db, model, key, value, int);
      } else if (op < 85) {
        const [a, c] = [key(), key()];
        const [start, end] = Buffer.compare(a, c) <= 0 ? [a, c] : [c, a];
        const got: string[] = [];
        for await (const [k, v] of db.scan(start, end)) got.push(`${hex(k)}=${hex(v)}`);
        const want = [...model.entries()]
          .filter(([k]) => k >= hex(start) && k < hex(end))
          .sort(([x], [y]) => Buffer.compare(Buffer.from(x, 'hex'), Buffer.from(y, 'hex')))
          .map(([k, v]) => `${k}=${hex(v)}`);
        expect(got, `seed ${seed} step ${step} scan`).toEqual(want);
      } else if (op < 90) {
        await db.checkpoint();
      } else if (op < 95) {
        await db.close();
        db = Database.open(dir, { memtableSizeBytes: 4096 });
      } else {
        // Crash: continue on a copy of the files as they are, the live database abandoned.
        const image = newDir();
        cpSync(dir, image, { recursive: true, filter: (src) => !src.endsWith('/LOCK') });
        await db.close();
        dir = image;
        db = Database.open(dir, { memtableSizeBytes: 4096 });
      }
    }
    const all: string[] = [];
    for await (const [k, v] of db.scan(Buffer.alloc(0))) all.push(`${hex(k)}=${hex(v)}`);
    expect(all.length, `seed ${seed} final size`).toBe(model.size);
    for (const entry of all) {
      const [k, v] = entry.split('=');
      expect(hex(model.get(k!)!), `seed ${seed} final ${k}`).toBe(v);
    }
  } finally {
    await db.close();
  }
}

async function transactionStep(
  db: Database,
  model: Map<string, Buffer>,
  key: () => Buffer,
  value: () => Buffer,
  int: (n: number) => number,
): Promise<void> {
  const txn: Transaction = db.beginTransaction();
  const writes = new Map<string, Buffer | null>();
  for (let i = 0, n = 1 + int(5); i < n; i++) {
    const k = key();
    if (int(3) === 0) {
      await txn.delete(k);
      writes.set(hex(k), null);
    } else {
      const v = value();
      await txn.put(k, v);
      writes.set(hex(k), v);
    }
    const seen = await txn.get(k);
    const expected = writes.get(hex(k));
    expect(seen === null ? null : hex(seen)).toBe(expected === null || expected === undefined ? null : hex(expected));
  }
  if (int(4) === 0) {
    await txn.abort();
    return;
  }
  await txn.commit();
  for (const [k, v] of writes) {
    if (v === null) model.delete(k);
    else model.set(k, v);
  }
}

describe('random operations against a Map model', () => {
  const seeds = process.env.SOCHDB_SEED ? [Number(process.env.SOCHDB_SEED)] : [1, 2, 3, 0xc0ffee];
  it.each(seeds)('agree with the model for seed %i, across checkpoints, reopens and crashes', async (seed) => {
    await modelRun(seed, 600);
  });
});
