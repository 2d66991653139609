// Guide: "Quick Start". The whole sample, verbatim (indentation restored).
import { Database } from 'sochdb';

async function main() {
  // Open database with embedded engine
  const db = await Database.open('./my_database');

  try {
    // Put and Get
    await db.put(Buffer.from('user:123'), Buffer.from('{"name":"Alice","age":30}'));
    const value = await db.get(Buffer.from('user:123'));
    console.log(value.toString());
    // Output: {"name":"Alice","age":30}
  } finally {
    await db.close();
  }
}

main();
