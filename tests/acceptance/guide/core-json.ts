// Guide: "Core Operations" → "JSON Operations".
// ── wrapper (not in the guide): open ──
import { Database } from 'sochdb';
const db = await Database.open('./my_db');
// ── guide sample, verbatim ──
// Store JSON
const user = { name: 'Alice', email: 'alice@example.com', age: 30 };
await db.put(
  Buffer.from('users/alice'),
  Buffer.from(JSON.stringify(user))
);

// Retrieve JSON
const value = await db.get(Buffer.from('users/alice'));
if (value) {
  const retrievedUser = JSON.parse(value.toString());
  console.log(`Name: ${retrievedUser.name}, Age: ${retrievedUser.age}`);
}
// ── wrapper (not in the guide): close ──
await db.close();
