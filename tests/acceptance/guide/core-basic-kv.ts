// Guide: "Core Operations" → "Basic K-V Operations".
// ── wrapper (not in the guide): import ──
import { Database } from 'sochdb';
// ── guide sample, verbatim ──
const db = await Database.open('./my_db');

// Put
await db.put(Buffer.from('key'), Buffer.from('value'));

// Get
const value = await db.get(Buffer.from('key'));
console.log(value?.toString());
// Output: value

// Delete
await db.delete(Buffer.from('key'));

// Get after delete
const deletedValue = await db.get(Buffer.from('key'));
console.log(deletedValue);
// Output: null
// ── wrapper (not in the guide): close ──
await db.close();
