// Guide: "Namespace & Collections" → "Creating Collections".
// ── wrapper (not in the guide): open a database and the namespace the sample calls `ns` ──
import assert from 'node:assert/strict';
import { Database } from '@sochdb/sochdb';
const db = Database.open('./multi_tenant');
const ns = db.createNamespace({ name: 'tenant_123' });
// ── guide sample, verbatim ──
import { CollectionConfig, DistanceMetric } from '@sochdb/sochdb';

const config: CollectionConfig = {
  name: 'documents',
  dimension: 384,
  metric: DistanceMetric.COSINE,
  m: 16,
  efConstruction: 100,
};
const collection = ns.createCollection(config);

// Or simpler
const simpleCollection = ns.createCollection('embeddings', { dimension: 768 });
// ── wrapper (not in the guide): both collections exist with their options (defaults filled in) ──
const listed = await ns.listCollections();
for (const c of listed) console.log(`${c.name}: dimension ${c.dimension}, ${c.metric}, m=${c.m}, efConstruction=${c.efConstruction}`);
assert.deepEqual(
  listed.map((c) => [c.name, c.dimension, c.metric, c.m, c.efConstruction]),
  [
    ['documents', 384, 'cosine', 16, 100],
    ['embeddings', 768, 'cosine', 16, 200],
  ],
);
assert.equal(collection.config.dimension, 384);
assert.equal(simpleCollection.name, 'embeddings');
await db.close();
