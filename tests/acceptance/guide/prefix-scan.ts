// Guide: "Prefix Scanning".
// ── wrapper (not in the guide): open ──
import { Database } from 'sochdb';
const db = await Database.open('./my_db');
// ── guide sample, verbatim ──
// Insert multi-tenant data
await db.put(Buffer.from('tenants/acme/users/1'), Buffer.from('{"name":"Alice"}'));
await db.put(Buffer.from('tenants/acme/users/2'), Buffer.from('{"name":"Bob"}'));
await db.put(Buffer.from('tenants/acme/orders/1'), Buffer.from('{"total":100}'));
await db.put(Buffer.from('tenants/globex/users/1'), Buffer.from('{"name":"Charlie"}'));

// Scan only ACME Corp data
const acmeData = [];
for await (const [key, value] of db.scan(
  Buffer.from('tenants/acme/'),
  Buffer.from('tenants/acme;')
)) {
  acmeData.push([key.toString(), value.toString()]);
}

console.log(`ACME Corp has ${acmeData.length} items:`);
for (const [key, value] of acmeData) {
  console.log(` ${key}: ${value}`);
}
// ── wrapper (not in the guide): close ──
await db.close();
