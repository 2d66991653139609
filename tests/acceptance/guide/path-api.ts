// Guide: "Path API".
// ── wrapper (not in the guide): open ──
import assert from 'node:assert/strict';
import { Database } from 'sochdb';
const db = await Database.open('./my_db');
// ── guide sample, verbatim ──
// Store hierarchical data
await db.putPath('users/alice/email', Buffer.from('alice@example.com'));
await db.putPath('users/alice/age', Buffer.from('30'));
await db.putPath('users/alice/settings/theme', Buffer.from('dark'));

// Retrieve by path
const email = await db.getPath('users/alice/email');
console.log(`Alice's email: ${email?.toString()}`);

// Output: Alice's email: alice@example.com
// ── wrapper (not in the guide): the other paths read back; an unknown path is null ──
assert.equal((await db.getPath('users/alice/age'))?.toString(), '30');
assert.equal((await db.getPath('users/alice/settings/theme'))?.toString(), 'dark');
assert.equal(await db.getPath('users/alice/phone'), null);
await db.close();
