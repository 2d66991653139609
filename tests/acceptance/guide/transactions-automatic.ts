// Guide: "Transactions" → "Automatic Transactions".
// ── wrapper (not in the guide): open ──
import assert from 'node:assert/strict';
import { Database } from 'sochdb';
const db = await Database.open('./my_db');
// ── guide sample, verbatim ──
// Atomic operations
const txn = await db.beginTransaction();
try {
  await txn.put(Buffer.from('account:1:balance'), Buffer.from('1000'));
  await txn.put(Buffer.from('account:2:balance'), Buffer.from('500'));

  await txn.commit();
  console.log('✅ Transaction committed');
} catch (error) {
  await txn.abort();
  console.error('❌ Transaction aborted:', error);
  throw error;
}
// ── wrapper (not in the guide): both writes are visible after commit ──
assert.equal((await db.get(Buffer.from('account:1:balance')))?.toString(), '1000');
assert.equal((await db.get(Buffer.from('account:2:balance')))?.toString(), '500');
await db.close();
