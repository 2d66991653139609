// Guide: "Transactions" → "Transaction with Scan".
// ── wrapper (not in the guide): open ──
import assert from 'node:assert/strict';
import { Database } from 'sochdb';
const db = await Database.open('./my_db');
// ── guide sample, verbatim ──
const txn = await db.beginTransaction();
try {
  await txn.put(Buffer.from('key1'), Buffer.from('value1'));
  await txn.put(Buffer.from('key2'), Buffer.from('value2'));

  // Scan within transaction
  for await (const [key, value] of txn.scan(
    Buffer.from('key'),
    Buffer.from('key~')
  )) {
    console.log(`${key.toString()}: ${value.toString()}`);
  }

  await txn.commit();
} catch (error) {
  await txn.abort();
  throw error;
}
// ── wrapper (not in the guide): the scanned writes were committed ──
assert.equal((await db.get(Buffer.from('key1')))?.toString(), 'value1');
assert.equal((await db.get(Buffer.from('key2')))?.toString(), 'value2');
await db.close();
