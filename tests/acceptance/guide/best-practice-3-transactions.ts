// Guide: "Best Practices" → "3. Use Transactions for Atomicity", both parts.
// ── wrapper (not in the guide): open ──
import assert from 'node:assert/strict';
import { Database } from 'sochdb';
const db = await Database.open('./my_db');
const before = Date.now();
// ── guide sample, verbatim ──
// ✅ Good: Atomic updates
const txn = await db.beginTransaction();
try {
  await txn.put(Buffer.from('counter'), Buffer.from('1'));
  await txn.put(Buffer.from('timestamp'), Buffer.from(Date.now().toString()));
  await txn.commit();
} catch (error) {
  await txn.abort();
  throw error;
}

// ❌ Bad: Partial updates possible
await db.put(Buffer.from('counter'), Buffer.from('1'));
// If error here, counter is updated but timestamp isn't
await db.put(Buffer.from('timestamp'), Buffer.from(Date.now().toString()));
// ── wrapper (not in the guide): both keys hold the written values ──
assert.equal((await db.get(Buffer.from('counter')))?.toString(), '1');
const ts = Number((await db.get(Buffer.from('timestamp')))?.toString());
assert.ok(ts >= before && ts <= Date.now(), `timestamp ${ts} is the time written`);
await db.close();
