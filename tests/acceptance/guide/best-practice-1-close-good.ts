// Guide: "Best Practices" → "1. Always Close Database", the ✅ part.
// ── wrapper (not in the guide): import ──
import assert from 'node:assert/strict';
import { Database } from 'sochdb';
// ── guide sample, verbatim ──
// ✅ Good: Use try-finally
const db = await Database.open('./my_db');
try {
  await db.put(Buffer.from('key'), Buffer.from('value'));
} finally {
  await db.close();
}
// ── wrapper (not in the guide): after close the directory reopens and holds the write ──
const again = await Database.open('./my_db');
assert.equal((await again.get(Buffer.from('key')))?.toString(), 'value');
await again.close();
