// Guide: "Namespace & Collections" → "Vector Operations", the inserts.
// The guide elides its vectors (`[0.1, 0.2, 0.3, /* ... */]`); the wrapper gives the collection
// dimension 3 so they are complete as written. One minimal edit, because `[0.1, ...]` is not valid
// syntax: the batch's `...` became `...rest`, where the wrapper defines `rest` as two more values.
// ── wrapper (not in the guide): open a database, a namespace and a 3-dimensional collection ──
import assert from 'node:assert/strict';
import { Database } from '@sochdb/sochdb';
const db = Database.open('./vectors');
const collection = db.createNamespace({ name: 'tenant_123' }).createCollection('documents', { dimension: 3 });
const rest = [0.5, 0.25];
// ── guide sample, verbatim (but for `...rest`, see above) ──
// Insert vectors
await collection.insert({
  vector: [0.1, 0.2, 0.3, /* ... */],
  metadata: { source: 'web', url: 'https://...' },
  id: 'doc_001',
});

// Batch insert
await collection.insertBatch({
  vectors: [[0.1, ...rest], [0.2, ...rest], [0.3, ...rest]],
  metadatas: [{ type: 'a' }, { type: 'b' }, { type: 'c' }],
  ids: ['doc_1', 'doc_2', 'doc_3'],
});
// ── wrapper (not in the guide): four documents, stored as given ──
console.log(`count: ${await collection.count()}`);
assert.equal(await collection.count(), 4);
const doc = await collection.get('doc_001');
console.log(`doc_001: ${JSON.stringify(doc?.metadata)}`);
assert.deepEqual(doc?.metadata, { source: 'web', url: 'https://...' });
assert.deepEqual(doc?.vector, [0.1, 0.2, 0.3].map(Math.fround));
assert.deepEqual((await collection.get('doc_2'))?.metadata, { type: 'b' });
await db.close();
