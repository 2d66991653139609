// Guide: "Query Builder".
// ── wrapper (not in the guide): open ──
import { Database } from 'sochdb';
const db = await Database.open('./my_db');
// ── guide sample, verbatim ──
// Insert structured data
await db.put(
  Buffer.from('products/laptop'),
  Buffer.from('{"name":"Laptop","price":999,"stock":5}')
);
await db.put(
  Buffer.from('products/mouse'),
  Buffer.from('{"name":"Mouse","price":25,"stock":20}')
);

// Query with column selection
const results = await db.query('products/')
  .select(['name', 'price'])
  .limit(10)
  .toList();

for (const [key, value] of results) {
  console.log(`${key.toString()}: ${value.toString()}`);
}
// ── wrapper (not in the guide): close ──
await db.close();
