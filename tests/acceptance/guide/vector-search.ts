// Guide: "Namespace & Collections" → "Vector Operations", the searches.
// ── wrapper (not in the guide): a collection of short texts and a deterministic embedding ──
import assert from 'node:assert/strict';
import { Database } from '@sochdb/sochdb';

/** A toy embedding: each word adds to two of 8 dimensions chosen by a hash of the word. */
function embed(text: string): number[] {
  const v = new Array<number>(8).fill(0);
  for (const word of text.toLowerCase().split(/\W+/).filter(Boolean)) {
    let h = 2166136261;
    for (const c of word) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
    v[h % 8] += 1;
    v[(h >>> 8) % 8] += 0.5;
  }
  return v;
}

const db = Database.open('./search_db');
const collection = db.createNamespace({ name: 'tenant_123' }).createCollection('documents', { dimension: 8 });
const texts = [
  ['web', 'An introduction to machine learning'],
  ['web', 'Machine learning for search engines'],
  ['pdf', 'Machine learning lecture notes'],
  ['web', 'Gardening in small spaces'],
  ['pdf', 'Cooking with seasonal vegetables'],
] as const;
await collection.insertBatch({
  vectors: texts.map(([, text]) => embed(text)),
  metadatas: texts.map(([source]) => ({ source })),
  contents: texts.map(([, text]) => text),
  ids: texts.map((_, i) => `doc_${i}`),
});
const queryEmbedding = embed('machine learning');
// ── guide sample, verbatim ──
import { SearchRequest } from '@sochdb/sochdb';

// Vector search
const results = await collection.search({
  vector: queryEmbedding,
  k: 10,
  filter: { source: 'web' },
});

// Hybrid search (vector + keyword)
const hybridResults = await collection.search({
  vector: queryEmbedding,
  textQuery: 'machine learning',
  k: 10,
  alpha: 0.7, // 70% vector, 30% keyword
});

for (const result of results) {
  console.log(`ID: ${result.id}, Score: ${result.score.toFixed(4)}`);
}
// ── wrapper (not in the guide): the filter kept web documents only, best first; hybrid ranks the machine-learning texts first ──
const request: SearchRequest = { vector: queryEmbedding, k: 1 };
assert.deepEqual(results.map((r) => r.id).sort(), ['doc_0', 'doc_1', 'doc_3']);
assert.ok(results.every((r) => r.metadata.source === 'web'));
assert.ok(results[0]!.score >= results[results.length - 1]!.score);
assert.deepEqual(hybridResults.slice(0, 3).map((r) => r.id).sort(), ['doc_0', 'doc_1', 'doc_2']);
console.log(`hybrid top 3: ${hybridResults.slice(0, 3).map((r) => r.id).join(', ')}`);
assert.equal((await collection.search(request)).length, 1);
await db.close();
