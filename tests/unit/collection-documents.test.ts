// Documents with the real engine: insert, upsert, get, delete, count, batches that write all or
// nothing, bad vectors refused with nothing written, and persistence.
import { describe, expect, it } from 'vitest';
import {
  type Collection,
  type Database,
  DimensionMismatchError,
  DocumentExistsError,
  InvalidArgumentError,
} from '../../pkg-ts/src/index.js';
import { dbFixture } from './db-helpers.js';

const { open, newDir } = dbFixture('documents');

function collection(db: Database, dimension = 3, metric: 'cosine' | 'l2' | 'dot' = 'l2'): Collection {
  return db.createNamespace({ name: 'ns' }).createCollection('c', { dimension, metric });
}

describe('collection documents', () => {
  it('insert, get, count and delete', async () => {
    const col = collection(open());
    const id = await col.insert({ vector: [1, 2, 3], metadata: { source: 'web', n: 1 }, id: 'doc_001', content: 'hello world' });
    expect(id).toBe('doc_001');
    expect(await col.get('doc_001')).toEqual({ id: 'doc_001', vector: [1, 2, 3], metadata: { source: 'web', n: 1 }, content: 'hello world' });
    expect(await col.count()).toBe(1);
    expect(await col.delete('doc_001')).toBe(true);
    expect(await col.delete('doc_001')).toBe(false);
    expect(await col.get('doc_001')).toBeNull();
    expect(await col.count()).toBe(0);
  });

  it('generate a UUID when no id is given', async () => {
    const col = collection(open());
    const id = await col.insert({ vector: [1, 0, 0] });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await col.get(id))?.metadata).toEqual({});
  });

  it('refuse insert of a taken id with DocumentExistsError, while upsert replaces it', async () => {
    const col = collection(open());
    await col.insert({ vector: [1, 0, 0], id: 'x', metadata: { v: 1 } });
    await expect(col.insert({ vector: [0, 1, 0], id: 'x' })).rejects.toBeInstanceOf(DocumentExistsError);
    await expect(col.insert({ vector: [0, 1, 0], id: 'x' })).rejects.toMatchObject({ code: 'DOCUMENT_EXISTS' });
    expect((await col.get('x'))?.metadata).toEqual({ v: 1 });
    await col.upsert({ vector: [0, 1, 0], id: 'x', metadata: { v: 2 } });
    expect(await col.get('x')).toEqual({ id: 'x', vector: [0, 1, 0], metadata: { v: 2 }, content: null });
    expect(await col.count()).toBe(1);
  });

  it('insert a batch of arrays or Float32Arrays in one transaction', async () => {
    const col = collection(open());
    const ids = await col.insertBatch({
      vectors: [[0.1, 0.2, 0.3], Float32Array.of(0.2, 0.3, 0.4), [0.3, 0.4, 0.5]],
      metadatas: [{ type: 'a' }, { type: 'b' }, { type: 'c' }],
      ids: ['doc_1', 'doc_2', 'doc_3'],
    });
    expect(ids).toEqual(['doc_1', 'doc_2', 'doc_3']);
    expect(await col.count()).toBe(3);
    expect((await col.get('doc_2'))?.vector).toEqual(Array.from(Float32Array.of(0.2, 0.3, 0.4)));
  });

  it.each([
    ['a vector of the wrong length', [[1, 2, 3], [1, 2]], DimensionMismatchError, 'DIMENSION_MISMATCH'],
    ['a NaN', [[1, 2, 3], [1, Number.NaN, 3]], InvalidArgumentError, 'INVALID_VECTOR'],
    ['an infinite value', [[1, 2, 3], [1, -Infinity, 3]], InvalidArgumentError, 'INVALID_VECTOR'],
  ] as const)('refuse a batch holding %s, writing nothing', async (_, vectors, type, code) => {
    const col = collection(open());
    const attempt = col.insertBatch({ vectors: vectors as unknown as number[][], ids: ['ok', 'bad'] });
    await expect(attempt).rejects.toBeInstanceOf(type);
    await expect(col.insertBatch({ vectors: vectors as unknown as number[][], ids: ['ok', 'bad'] })).rejects.toMatchObject({ code });
    expect(await col.count()).toBe(0);
    expect(await col.get('ok')).toBeNull();
  });

  it('refuse a batch with a taken id or a repeated id, writing nothing', async () => {
    const col = collection(open());
    await col.insert({ vector: [1, 1, 1], id: 'taken' });
    await expect(col.insertBatch({ vectors: [[1, 2, 3], [1, 2, 3]], ids: ['new', 'taken'] })).rejects.toBeInstanceOf(DocumentExistsError);
    await expect(col.insertBatch({ vectors: [[1, 2, 3], [1, 2, 3]], ids: ['d', 'd'] })).rejects.toMatchObject({ code: 'DUPLICATE_ID' });
    expect(await col.count()).toBe(1);
    expect(await col.get('new')).toBeNull();
  });

  it('commit nothing of a transaction holding a document the engine refuses', async () => {
    const db = open();
    const col = db.createNamespace({ name: 'ns' }).createCollection('c', { dimension: 2, metric: 'cosine' });
    // Metadata with two fields on one flattened path passes the host's checks; the engine refuses it at commit.
    const attempt = col.upsertBatch({ vectors: [[1, 0], [0, 1]], ids: ['fine', 'clash'], metadatas: [{}, { 'a.b': 1, a: { b: 2 } }] });
    await expect(attempt).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await col.count()).toBe(0);
    expect(await col.get('fine')).toBeNull();
    expect(await db.get(Buffer.from('anything'))).toBeNull(); // the database is still usable
  });

  it('refuse a zero vector in a cosine collection, and a single bad insert, writing nothing', async () => {
    const col = open().createNamespace({ name: 'ns' }).createCollection('c', { dimension: 2 });
    await expect(col.insert({ vector: [0, 0], id: 'z' })).rejects.toMatchObject({ code: 'INVALID_VECTOR' });
    await expect(col.insert({ vector: [1, 2, 3], id: 'z' })).rejects.toBeInstanceOf(DimensionMismatchError);
    expect(await col.count()).toBe(0);
  });

  it('survive close and reopen, and a checkpoint in between', async () => {
    const dir = newDir();
    const db = open(dir);
    const col = collection(db);
    await col.insertBatch({ vectors: [[1, 0, 0], [0, 1, 0]], ids: ['a', 'b'], contents: ['alpha', undefined] });
    await db.checkpoint();
    await col.upsert({ vector: [0, 0, 1], id: 'b', metadata: { after: 'checkpoint' } });
    await col.delete('a');
    await db.close();
    const again = open(dir).namespace('ns').collection('c');
    expect(await again.count()).toBe(1);
    expect(await again.get('a')).toBeNull();
    expect(await again.get('b')).toEqual({ id: 'b', vector: [0, 0, 1], metadata: { after: 'checkpoint' }, content: null });
  });
});
