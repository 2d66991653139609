// Guide: "Best Practices" → "5. Use Buffer for Binary Data", the ✅ part. The ❌ part (string key and
// value) is its own test in guide-samples.test.ts: it must throw InvalidArgumentError.
// ── wrapper (not in the guide): open ──
import assert from 'node:assert/strict';
import { Database } from 'sochdb';
const db = await Database.open('./my_db');
// ── guide sample, verbatim ──
// ✅ Good: Binary-safe
await db.put(Buffer.from('key'), Buffer.from([0x00, 0x01, 0x02]));
// ── wrapper (not in the guide): the bytes read back exactly ──
const got = await db.get(Buffer.from('key'));
assert.ok(got !== null);
assert.deepEqual([...got], [0x00, 0x01, 0x02]);
await db.close();
