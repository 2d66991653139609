// Namespaces and collections through the browser entry, where creating and opening them returns
// Promises: a small collection is written (part before a checkpoint, part after, so a reload reads
// a segment and the WAL), searched by vector, filter, text and both, and searched again after a
// page reload with identical results; the catalog's errors cross the worker typed.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, skipReason } from './harness/chromium.js';
import { type BrowserEnv, startBrowserEnv } from './harness/setup.js';

let env: BrowserEnv;

declare const sochdb: typeof import('../../pkg-ts/src/browser/index.browser.js');

/** In the page: opens the database and the collection (creating and filling them first when `create`), runs the searches. */
function searchAll(page: Page, name: string, storage: 'opfs' | 'indexeddb', create: boolean) {
  return page.evaluate(
    async ([name, storage, create]) => {
      // A toy embedding: each word adds to two of 8 dimensions chosen by a hash of the word.
      const embed = (text: string): number[] => {
        const v = new Array<number>(8).fill(0);
        for (const word of text.toLowerCase().split(/\W+/).filter(Boolean)) {
          let h = 2166136261;
          for (const c of word) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
          v[h % 8] += 1;
          v[(h >>> 8) % 8] += 0.5;
        }
        return v;
      };
      const texts: Array<[string, number, string]> = [
        ['web', 2021, 'An introduction to machine learning'],
        ['web', 2023, 'Machine learning for search engines'],
        ['pdf', 2022, 'Machine learning lecture notes'],
        ['web', 2020, 'Gardening in small spaces'],
        ['pdf', 2024, 'Cooking with seasonal vegetables'],
        ['web', 2024, 'Search engines and how they rank pages'],
      ];
      const db = await sochdb.Database.open(name, { storage, lock: 'wait' });
      let docs;
      if (create) {
        const ns = await db.createNamespace({ name: 'tenant_1', displayName: 'Tenant one' });
        docs = await ns.createCollection('docs', { dimension: 8, metric: sochdb.DistanceMetric.COSINE });
        const batch = (from: number, to: number) => ({
          vectors: texts.slice(from, to).map(([, , text]) => embed(text)),
          metadatas: texts.slice(from, to).map(([source, year]) => ({ source, year })),
          contents: texts.slice(from, to).map(([, , text]) => text),
          ids: texts.slice(from, to).map((_, i) => `doc_${from + i}`),
        });
        await docs.insertBatch(batch(0, 3));
        await db.checkpoint();
        await docs.insertBatch(batch(3, 6));
      } else {
        docs = await (await db.namespace('tenant_1')).collection('docs');
      }
      const query = embed('machine learning');
      const strip = (results: Array<{ id: string; score: number; metadata: unknown; content?: string }>) =>
        results.map((r) => ({ id: r.id, score: r.score, metadata: r.metadata, content: r.content }));
      const out = {
        vector: strip(await docs.search({ vector: query, k: 3 })),
        filtered: strip(await docs.search({ vector: query, k: 10, filter: { source: 'web', year: { $gte: 2021 } } })),
        text: strip(await docs.search({ textQuery: 'search engines', k: 3 })),
        hybrid: strip(await docs.search({ vector: query, textQuery: 'machine learning', k: 4, alpha: 0.7 })),
        count: await docs.count(),
        got: await docs.get('doc_4'),
        namespaces: (await db.listNamespaces()).map((n) => n.displayName),
        collections: (await (await db.namespace('tenant_1')).listCollections()).map((c) => [c.name, c.dimension]),
      };
      if (create) return out; // not closed: the reload must not need close()
      await db.close();
      return out;
    },
    [name, storage, create] as const,
  );
}

describe.skipIf(!hasChromium)('namespaces and collections in the browser (Chromium)', () => {
  let page: Page;
  beforeAll(async () => {
    env = await startBrowserEnv();
    page = await env.openPage('app.html');
  }, 30_000);
  afterAll(() => env?.close());

  for (const storage of ['opfs', 'indexeddb'] as const) {
    it(`creates a collection, searches it by vector, filter, text and both, and finds the same after a reload on ${storage}`, async () => {
      const name = `collections-${randomUUID()}`;
      const tab = await env.openPage('app.html');
      const before = await searchAll(tab, name, storage, true);
      expect(before.vector.map((r) => r.id).sort()).toEqual(['doc_0', 'doc_1', 'doc_2']);
      expect(before.vector[0]!.score).toBeGreaterThanOrEqual(before.vector[2]!.score);
      expect(before.filtered.map((r) => r.id).sort()).toEqual(['doc_0', 'doc_1', 'doc_5']);
      expect(before.text.map((r) => r.id).sort()).toEqual(['doc_1', 'doc_5']);
      expect(before.hybrid.slice(0, 3).map((r) => r.id).sort()).toEqual(['doc_0', 'doc_1', 'doc_2']);
      expect(before.count).toBe(6);
      expect(before.got).toMatchObject({ id: 'doc_4', metadata: { source: 'pdf', year: 2024 }, content: 'Cooking with seasonal vegetables' });
      expect(before.namespaces).toEqual(['Tenant one']);
      expect(before.collections).toEqual([['docs', 8]]);
      await tab.reload();
      await tab.waitForFunction(() => (globalThis as { pageReady?: boolean }).pageReady === true);
      expect(await searchAll(tab, name, storage, false)).toEqual(before);
      await tab.close();
    });
  }

  it('rebuilds the catalog and document errors from the worker, typed, with their fields', async () => {
    const result = await page.evaluate(async (name) => {
      const db = await sochdb.Database.open(name, { storage: 'memory' });
      const ns = await db.createNamespace({ name: 'ns' });
      const docs = await ns.createCollection('docs', { dimension: 4 });
      await docs.insert({ id: 'a', vector: [1, 0, 0, 0] });
      const fail = (p: Promise<unknown>) => p.then(() => null, (e) => e);
      const notFound = await fail(ns.collection('missing'));
      const mismatch = await fail(docs.insert({ id: 'b', vector: [1, 2, 3] }));
      const searchMismatch = await fail(docs.search({ vector: [1, 2], k: 1 }));
      const exists = await fail(ns.createCollection('docs', { dimension: 4 }));
      const nsExists = await fail(db.createNamespace({ name: 'ns' }));
      const docExists = await fail(docs.insert({ id: 'a', vector: [0, 1, 0, 0] }));
      await ns.deleteCollection('docs');
      const deleted = await fail(docs.count());
      const count = await (await ns.createCollection('docs', { dimension: 4 })).count();
      await db.close();
      return {
        notFound: [notFound instanceof sochdb.CollectionNotFoundError, notFound.code, notFound.namespace, notFound.collection],
        mismatch: [
          mismatch instanceof sochdb.DimensionMismatchError,
          mismatch instanceof sochdb.InvalidArgumentError,
          mismatch.code,
          mismatch.expected,
          mismatch.actual,
        ],
        searchMismatch: [searchMismatch instanceof sochdb.DimensionMismatchError, searchMismatch.actual],
        exists: [exists instanceof sochdb.CollectionExistsError, exists.code],
        nsExists: [nsExists instanceof sochdb.NamespaceExistsError, nsExists.namespace],
        docExists: [docExists instanceof sochdb.DocumentExistsError, docExists.code],
        deleted: [deleted instanceof sochdb.CollectionNotFoundError, deleted.code],
        count,
      };
    }, `collection-errors-${randomUUID()}`);
    expect(result).toEqual({
      notFound: [true, 'COLLECTION_NOT_FOUND', 'ns', 'missing'],
      mismatch: [true, true, 'DIMENSION_MISMATCH', 4, 3],
      searchMismatch: [true, 2],
      exists: [true, 'COLLECTION_EXISTS'],
      nsExists: [true, 'ns'],
      docExists: [true, 'DOCUMENT_EXISTS'],
      deleted: [true, 'COLLECTION_NOT_FOUND'],
      count: 0,
    });
  });
});

if (!hasChromium) describe.skip(`namespaces and collections in the browser: skipped, ${skipReason}`, () => {});
