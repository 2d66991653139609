// SochDB's main demo: the key-value core on the default embedded storage (files in a directory).
// Run it with `npm run demo` after `npm run setup`. It starts from an empty directory each time.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Database } from '@sochdb/sochdb';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '.tmp', 'demo-db');
const text = (bytes) => Buffer.from(bytes).toString();
let stepNumber = 0;
const step = (title) => console.log(`\n${++stepNumber}. ${title}`);

fs.rmSync(dir, { recursive: true, force: true });

step(`Open a database in ${path.relative(process.cwd(), dir) || dir}`);
const db = await Database.open(dir);
console.log('   opened (engine: Rust compiled to WebAssembly, storage: files)');

step('Put a few records');
const records = {
  'users/alice': '{"name":"Alice","role":"admin"}',
  'users/bob': '{"name":"Bob","role":"editor"}',
  'products/laptop': '{"name":"Laptop","price":999,"stock":5}',
  'products/mouse': '{"name":"Mouse","price":25,"stock":20}',
  'products/keyboard': '{"name":"Keyboard","price":70,"stock":12}',
  'account:1:balance': '1000',
  'account:2:balance': '500',
};
for (const [key, value] of Object.entries(records)) {
  await db.put(Buffer.from(key), Buffer.from(value));
  console.log(`   put ${key} = ${value}`);
}
console.log(`   get users/alice -> ${text(await db.get(Buffer.from('users/alice')))}`);

step("Scan the prefix 'users/' (the range users/ .. users;)");
for await (const [key, value] of db.scan(Buffer.from('users/'), Buffer.from('users;'))) {
  console.log(`   ${text(key)}: ${text(value)}`);
}

step('Move 200 from account 1 to account 2 in one transaction');
const txn = await db.beginTransaction();
try {
  const from = Number(text(await txn.get(Buffer.from('account:1:balance'))));
  const to = Number(text(await txn.get(Buffer.from('account:2:balance'))));
  await txn.put(Buffer.from('account:1:balance'), Buffer.from(String(from - 200)));
  await txn.put(Buffer.from('account:2:balance'), Buffer.from(String(to + 200)));
  await txn.commit();
} catch (error) {
  await txn.abort();
  throw error;
}
for (const key of ['account:1:balance', 'account:2:balance']) {
  console.log(`   ${key} = ${text(await db.get(Buffer.from(key)))}`);
}

step("Query 'products/' for name and price, as TOON");
const rows = await db.query('products/').select(['name', 'price']).limit(10).toList();
for (const [key, value] of rows) {
  console.log(`   ${text(key)}: ${text(value)}`);
}

step('Checkpoint (write a sorted segment and a manifest, trim the WAL)');
await db.checkpoint();
console.log(`   files: ${fs.readdirSync(dir).sort().join(', ')}`);

step('Close');
await db.close();
console.log('   closed');

step('Reopen and read the data back');
const again = await Database.open(dir);
try {
  let count = 0;
  for await (const [key, value] of again.scan(Buffer.from('a'), Buffer.from('z'))) {
    console.log(`   ${text(key)}: ${text(value)}`);
    count += 1;
  }
  const expected = Object.keys(records).length;
  if (count !== expected) throw new Error(`expected ${expected} records after reopening, found ${count}`);
  if (text(await again.get(Buffer.from('account:2:balance'))) !== '700') {
    throw new Error('the transaction did not survive reopening');
  }
  console.log(`   all ${count} records are still there`);
} finally {
  await again.close();
}

console.log('\nDemo finished.');
