// Search with the real engine, checked against a brute-force oracle: recall per metric, filters,
// text and hybrid ordering, no stale results after updates and deletes, and identical results
// after close and reopen.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Collection, Database, Quantization } from '../../pkg-ts/src/index.js';
import { dbFixture } from './db-helpers.js';
import { clusteredDocs, type Doc, exactTopK, queryNear, recall, rng, score } from './vector-oracle.js';

const { open, newDir } = dbFixture('search');
const DIM = 16;
const DOCS = clusteredDocs(2000, DIM, 20, 7);
const METRICS = ['cosine', 'l2', 'dot'] as const;

async function filled(db: Database, metric: (typeof METRICS)[number], docs: Doc[] = DOCS, options: { quantization?: Quantization } = {}): Promise<Collection> {
  const col = db.createNamespace({ name: 'ns' }).createCollection('c', { dimension: DIM, metric, ...options });
  for (let i = 0; i < docs.length; i += 500) {
    const part = docs.slice(i, i + 500);
    await col.insertBatch({ vectors: part.map((d) => d.vector), ids: part.map((d) => d.id), metadatas: part.map((d) => d.metadata) });
  }
  return col;
}

describe('vector search', () => {
  it.each(METRICS)('finds the true nearest neighbours under %s (recall@10 >= 0.95), best first, with the metric score', async (metric) => {
    const col = await filled(open(), metric);
    const random = rng(11);
    let total = 0;
    const queries = 50;
    for (let q = 0; q < queries; q++) {
      const query = queryNear(DOCS, random);
      const results = await col.search({ vector: query, k: 10 });
      expect(results).toHaveLength(10);
      for (let i = 1; i < results.length; i++) expect(results[i - 1]!.score).toBeGreaterThanOrEqual(results[i]!.score);
      const top = results[0]!;
      const doc = DOCS.find((d) => d.id === top.id)!;
      expect(top.score).toBeCloseTo(score(metric, query, doc.vector), metric === 'cosine' ? 4 : 1);
      expect(top.metadata).toEqual(doc.metadata);
      total += recall(results.map((r) => r.id), exactTopK(DOCS, metric, query, 10));
    }
    expect(total / queries).toBeGreaterThanOrEqual(0.95);
  });

  const OTHER_QUANTIZATIONS = (['bf16', 'int8', 'none'] as const).flatMap((q) => METRICS.map((metric) => [q, metric] as const));
  it.each(OTHER_QUANTIZATIONS)('with quantization %s keeps recall@10 >= 0.95 under %s, and scores are the full vectors\'', async (quantization, metric) => {
    const col = await filled(open(), metric, DOCS, { quantization });
    const random = rng(13);
    let total = 0;
    const queries = 50;
    for (let q = 0; q < queries; q++) {
      const query = queryNear(DOCS, random);
      const results = await col.search({ vector: query, k: 10 });
      const doc = DOCS.find((d) => d.id === results[0]!.id)!;
      expect(results[0]!.score).toBeCloseTo(score(metric, query, doc.vector), metric === 'cosine' ? 4 : 1);
      total += recall(results.map((r) => r.id), exactTopK(DOCS, metric, query, 10));
    }
    expect(total / queries).toBeGreaterThanOrEqual(0.95);
  });

  it.each(['int8', 'bf16'] as const)('with quantization %s answers exact searches, updates, deletes and a reopen from the documents\' own vectors', async (quantization) => {
    const dir = newDir();
    const db = open(dir);
    const col = await filled(db, 'l2', DOCS, { quantization });
    const random = rng(17);
    for (const k of [1, 25]) {
      const query = queryNear(DOCS, random);
      const results = await col.search({ vector: query, k, exact: true });
      expect(results.map((r) => r.id)).toEqual(exactTopK(DOCS, 'l2', query, k));
    }
    // Move 50 documents far away and delete 20: the re-rank must read the new vectors.
    const docs = DOCS.map((d) => ({ ...d }));
    const far = (i: number): number[] => Array.from({ length: DIM }, (_, j) => 50 + i + j);
    for (let i = 0; i < 50; i++) {
      docs[i] = { ...docs[i]!, vector: far(i) };
      await col.upsert({ id: docs[i]!.id, vector: far(i), metadata: docs[i]!.metadata });
    }
    for (let i = 50; i < 70; i++) await col.delete(docs[i]!.id);
    const live = docs.filter((_, i) => i < 50 || i >= 70);
    const check = async (c: Collection): Promise<string[][]> => {
      const answers: string[][] = [];
      for (const query of [far(3), ...Array.from({ length: 10 }, () => queryNear(DOCS, random))]) {
        const results = await c.search({ vector: query, k: 10 });
        const want = exactTopK(live, 'l2', query, 10);
        expect(recall(results.map((r) => r.id), want)).toBeGreaterThanOrEqual(0.8);
        const top = live.find((d) => d.id === results[0]!.id)!;
        expect(results[0]!.score).toBeCloseTo(score('l2', query, top.vector), 1);
        answers.push(results.map((r) => r.id));
      }
      return answers;
    };
    const before = await check(col);
    expect(before[0]![0]).toBe(docs[3]!.id);
    await db.close();
    const again = open(dir).namespace('ns').collection('c');
    expect(await again.count()).toBe(live.length);
    // The random queries differ between the two runs of `check`; the first one is fixed.
    expect((await check(again))[0]).toEqual(before[0]);
  });

  it('keeps f32 rows while a collection is small, then bf16 rows, with exact results and a reopen either side', async () => {
    // 4096-d: 512 vectors fill the 8 MiB of f32 rows 'auto' allows; the 513th turns them into bf16.
    const dim = 4096;
    const docs = clusteredDocs(560, dim, 4, 21);
    const dir = newDir();
    let db = open(dir);
    let col = db.createNamespace({ name: 'ns' }).createCollection('c', { dimension: dim, efConstruction: 16 });
    const random = rng(23);
    const queries = Array.from({ length: 5 }, () => queryNear(docs, random));
    const check = async (c: Collection, live: Doc[]): Promise<void> => {
      for (const query of queries) {
        const exact = await c.search({ vector: query, k: 10, exact: true });
        expect(exact.map((r) => r.id)).toEqual(exactTopK(live, 'cosine', query, 10));
        expect(exact[0]!.score).toBeCloseTo(score('cosine', query, live.find((d) => d.id === exact[0]!.id)!.vector), 5);
      }
    };
    for (const [from, to] of [[0, 500], [500, 560]] as const) {
      const part = docs.slice(from, to);
      await col.insertBatch({ vectors: part.map((d) => d.vector), ids: part.map((d) => d.id) });
      await check(col, docs.slice(0, to));
      await db.close();
      db = open(dir);
      col = db.namespace('ns').collection('c');
      await check(col, docs.slice(0, to));
    }
    expect((await db.namespace('ns').listCollections())[0]!.quantization).toBe('auto');
  });

  const QUANTIZATIONS = (['bf16', 'none'] as const).flatMap((q) => METRICS.map((metric) => [q, metric] as const));
  it.each(QUANTIZATIONS)('with quantization %s and exact: true returns exactly the oracle top k under %s', async (quantization, metric) => {
    const col = await filled(open(), metric, DOCS, { quantization });
    const random = rng(3);
    for (const k of [1, 25, 300]) {
      const query = queryNear(DOCS, random);
      const results = await col.search({ vector: query, k, exact: true });
      expect(results.map((r) => r.id)).toEqual(exactTopK(DOCS, metric, query, k));
    }
  });

  it('applies filters as the oracle does, and a selective filter still returns k', async () => {
    const col = await filled(open(), 'cosine');
    const random = rng(5);
    const cases: Array<[Record<string, unknown>, (d: Doc) => boolean]> = [
      [{ even: true }, (d) => d.metadata.even === true],
      [{ cluster: { $in: [1, 2, 3] } }, (d) => [1, 2, 3].includes(d.metadata.cluster as number)],
      [{ n: { $gte: 100, $lt: 400 }, even: false }, (d) => (d.metadata.n as number) >= 100 && (d.metadata.n as number) < 400 && d.metadata.even === false],
      [{ $or: [{ cluster: 4 }, { n: { $lt: 10 } }] }, (d) => d.metadata.cluster === 4 || (d.metadata.n as number) < 10],
      // 12 of 2000 match: the engine must fall back to an exact scan to return 10.
      [{ n: { $lt: 12 } }, (d) => (d.metadata.n as number) < 12],
    ];
    for (const [filter, keep] of cases) {
      const query = queryNear(DOCS, random);
      const results = await col.search({ vector: query, k: 10, filter });
      expect(results, JSON.stringify(filter)).toHaveLength(10);
      expect(results.every((r) => keep(DOCS.find((d) => d.id === r.id)!)), JSON.stringify(filter)).toBe(true);
      expect(recall(results.map((r) => r.id), exactTopK(DOCS, 'cosine', query, 10, keep))).toBeGreaterThanOrEqual(0.9);
      const exact = await col.search({ vector: query, k: 10, filter, exact: true });
      expect(exact.map((r) => r.id)).toEqual(exactTopK(DOCS, 'cosine', query, 10, keep));
    }
    expect(await col.search({ vector: DOCS[0]!.vector, k: 10, filter: { n: -1 } })).toEqual([]);
  });

  it('refuses a malformed filter with InvalidArgumentError', async () => {
    const col = await filled(open(), 'l2', DOCS.slice(0, 10));
    await expect(col.search({ vector: DOCS[0]!.vector, k: 1, filter: { n: { $foo: 1 } } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('never returns deleted documents or old versions of updated ones', async () => {
    const col = await filled(open(), 'l2', DOCS.slice(0, 300));
    const target = DOCS[42]!;
    expect((await col.search({ vector: target.vector, k: 1 }))[0]!.id).toBe(target.id);
    await col.delete(target.id);
    const after = await col.search({ vector: target.vector, k: 300 });
    expect(after.map((r) => r.id)).not.toContain(target.id);
    expect(after).toHaveLength(299);
    // Move doc 7 far away: searching at its old place must not return it with its old vector.
    const moved = DOCS[7]!;
    const far = Float32Array.from(moved.vector, (x) => x + 1000);
    await col.upsert({ id: moved.id, vector: far, metadata: { moved: true } });
    const atOld = await col.search({ vector: moved.vector, k: 5 });
    expect(atOld.map((r) => r.id)).not.toContain(moved.id);
    const atNew = await col.search({ vector: far, k: 1, includeVectors: true });
    expect(atNew[0]).toMatchObject({ id: moved.id, metadata: { moved: true }, vector: Array.from(far) });
  });

  it('gives identical results after close and reopen, with and without a checkpoint', async () => {
    const dir = newDir();
    const db = open(dir);
    const col = await filled(db, 'cosine', DOCS.slice(0, 1000));
    await db.checkpoint();
    await col.insertBatch({ vectors: DOCS.slice(1000, 1200).map((d) => d.vector), ids: DOCS.slice(1000, 1200).map((d) => d.id) });
    const queries = Array.from({ length: 10 }, (_, i) => queryNear(DOCS, rng(100 + i)));
    const before = await Promise.all(queries.map((vector) => col.search({ vector, k: 10 })));
    await db.close();
    const again = open(dir).namespace('ns').collection('c');
    expect(await again.count()).toBe(1200);
    const after = await Promise.all(queries.map((vector) => again.search({ vector, k: 10 })));
    expect(after.map((rs) => rs.map((r) => r.id))).toEqual(before.map((rs) => rs.map((r) => r.id)));
  });
});

describe('text and hybrid search', () => {
  const texts = [
    'machine learning with neural networks',
    'cooking pasta at home',
    'machine learning for cooking recipes',
    'gardening tips for spring',
    'deep learning and machine translation',
  ];
  let col: Collection;
  beforeEach(async () => { // the fixture closes databases after each test
    const db = open();
    col = db.createNamespace({ name: 'ns' }).createCollection('t', { dimension: 2, metric: 'cosine' });
    await col.insertBatch({
      vectors: [[1, 0], [0, 1], [0.6, 0.8], [0.2, 1], [0.9, 0.1]],
      ids: texts.map((_, i) => `t${i}`),
      contents: texts,
      metadatas: texts.map((_, i) => ({ i })),
    });
  });

  it('text-only search returns only documents holding the words, best first', async () => {
    const results = await col.search({ textQuery: 'machine learning', k: 10 });
    expect(results.map((r) => r.id).sort()).toEqual(['t0', 't2', 't4']);
    for (let i = 1; i < results.length; i++) expect(results[i - 1]!.score).toBeGreaterThanOrEqual(results[i]!.score);
    expect(results[0]!.content).toBeDefined();
    expect(await col.search({ textQuery: 'gardening', k: 3 })).toMatchObject([{ id: 't3', content: texts[3] }]);
  });

  it('hybrid search ranks a document matching both sides above one matching only the vector', async () => {
    // t1 is nearest to [0, 1] but holds one query word; t2 is fairly near and holds all three.
    const query = { vector: [0, 1], textQuery: 'machine learning cooking', k: 5 };
    expect((await col.search({ ...query, alpha: 1 }))[0]!.id).toBe('t1');
    const hybrid = await col.search({ ...query, alpha: 0.5 });
    expect(hybrid[0]!.id).toBe('t2');
    expect(hybrid[0]!.vectorScore).toBeCloseTo(0.8, 4);
    expect(hybrid[0]!.textScore).toBeGreaterThan(0);
    expect((await col.search({ ...query, fusion: 'rrf' }))[0]!.id).toBe('t2');
  });

  it('with alpha 1 ranks by vector alone, with alpha 0 by text alone', async () => {
    const byVector = await col.search({ vector: [1, 0], textQuery: 'gardening', k: 1, alpha: 1 });
    expect(byVector[0]!.id).toBe('t0');
    const byText = await col.search({ vector: [1, 0], textQuery: 'gardening', k: 1, alpha: 0 });
    expect(byText[0]!.id).toBe('t3');
  });
});
