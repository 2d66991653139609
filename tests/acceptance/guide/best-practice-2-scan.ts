// Guide: "Best Practices" → "2. Use scan() for Prefix Queries", the ✅ part. (The ❌ part calls
// db.getAllKeys(), which the guide's API reference does not define; it is not run.)
// ── wrapper (not in the guide): open and store keys inside and outside the prefix ──
import assert from 'node:assert/strict';
import { Database } from 'sochdb';
const db = await Database.open('./my_db');
for (const k of ['user', 'users/1', 'users/2', 'usersx', 'videos/1']) {
  await db.put(Buffer.from(k), Buffer.from(`v:${k}`));
}
// ── guide sample, verbatim ──
// ✅ Good: Efficient prefix scan
const results = [];
for await (const [key, value] of db.scan(
  Buffer.from('users/'),
  Buffer.from('users;')
)) {
  results.push([key, value]);
}
// ── wrapper (not in the guide): only the prefix's keys, in order, as Buffers ──
assert.deepEqual(
  results.map(([k, v]) => [Buffer.isBuffer(k), k.toString(), v.toString()]),
  [
    [true, 'users/1', 'v:users/1'],
    [true, 'users/2', 'v:users/2'],
  ],
);
await db.close();
