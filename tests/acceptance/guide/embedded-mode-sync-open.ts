// Guide: "Architecture: Dual-Mode" → "1. Embedded Mode (FFI)". Database.open is synchronous here:
// the sample calls db.put on its result without awaiting it.
import { Database } from '@sochdb/sochdb';

const db = Database.open('./mydb');
await db.put(Buffer.from('key'), Buffer.from('value'));
await db.close();
// ── wrapper (not in the guide): the acknowledged put survives close and reopen ──
import assert from 'node:assert/strict';
const reopened = Database.open('./mydb');
assert.equal((await reopened.get(Buffer.from('key')))?.toString(), 'value');
await reopened.close();
