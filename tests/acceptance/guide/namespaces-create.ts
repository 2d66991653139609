// Guide: "Namespace & Collections" → "Creating Namespaces". The whole sample, verbatim; the
// wrapper after it checks what it did and closes the database (the guide leaves it open).
import { Database, Namespace, NamespaceConfig } from '@sochdb/sochdb';

const db = Database.open('./multi_tenant');

// Create namespace
const config: NamespaceConfig = {
  name: 'tenant_123',
  displayName: 'Acme Corp',
  labels: { tier: 'enterprise' },
};
const ns = db.createNamespace(config);

// Or get existing
const existingNs = db.namespace('tenant_123');
// ── wrapper (not in the guide): both handles name the one stored namespace, which survives reopening ──
import assert from 'node:assert/strict';
assert.ok(ns instanceof Namespace && existingNs instanceof Namespace);
assert.equal(existingNs.name, ns.name);
console.log(`namespace ${existingNs.name}: ${existingNs.displayName} ${JSON.stringify(existingNs.labels)}`);
await db.close();
const reopened = Database.open('./multi_tenant');
const listed = await reopened.listNamespaces();
assert.deepEqual(listed.map(({ name, displayName, labels }) => ({ name, displayName, labels })), [
  { name: 'tenant_123', displayName: 'Acme Corp', labels: { tier: 'enterprise' } },
]);
console.log(`after reopening: ${listed.map((n) => n.name).join(', ')}`);
await reopened.close();
