// Guide: "Prefix Scanning" → "Range trick".
// ── wrapper (not in the guide): open and store the keys the sample's comments name ──
import assert from 'node:assert/strict';
import { Database } from 'sochdb';
const db = await Database.open('./my_db');
for (const k of ['user', 'users', 'users/1', 'users/2', 'users/alice', 'usersabc']) {
  await db.put(Buffer.from(k), Buffer.from(`v:${k}`));
}
// ── guide sample, verbatim ──
// Scan "users/" to "users;" (semicolon is after '/' in ASCII)
const start = Buffer.from('users/');
const end = Buffer.from('users;');
// Matches: users/1, users/2, users/alice, ...
// Excludes: user, users, usersabc
// ── wrapper (not in the guide): scan [start, end) and check the comments' claims ──
const seen: string[] = [];
for await (const [key, value] of db.scan(start, end)) {
  assert.equal(value.toString(), `v:${key.toString()}`);
  seen.push(key.toString());
}
assert.deepEqual(seen, ['users/1', 'users/2', 'users/alice']);
await db.close();
