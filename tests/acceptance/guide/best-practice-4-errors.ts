// Guide: "Best Practices" → "4. Handle Errors Properly", both parts.
// ── wrapper (not in the guide): open; the ❌ part "crashes if null", so the wrapper checks the
// missing-key case first and then stores 'key' for the sample ──
import assert from 'node:assert/strict';
import { Database } from 'sochdb';
const db = await Database.open('./my_db');
assert.equal(await db.get(Buffer.from('key')), null, 'a missing key reads as null');
await db.put(Buffer.from('key'), Buffer.from('value'));
// ── guide sample, verbatim ──
// ✅ Good: Proper error handling
try {
  const value = await db.get(Buffer.from('key'));
  if (value === null) {
    console.log('Key not found');
  } else {
    console.log('Value:', value.toString());
  }
} catch (error) {
  console.error('Database error:', error);
}

// ❌ Bad: Assuming success
const value = await db.get(Buffer.from('key'));
console.log(value.toString()); // Crashes if null!
// ── wrapper (not in the guide): close ──
await db.close();
