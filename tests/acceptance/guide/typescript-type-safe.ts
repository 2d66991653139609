// Guide: "TypeScript Usage" → "Type-Safe Operations". The sample defines main() without calling it.
import { Database, Transaction } from 'sochdb';

interface User {
  name: string;
  email: string;
  age: number;
}

async function main() {
  const db = await Database.open('./my_db');

  try {
    // Store with type safety
    const user: User = {
      name: 'Alice',
      email: 'alice@example.com',
      age: 30
    };

    await db.put(
      Buffer.from('users/alice'),
      Buffer.from(JSON.stringify(user))
    );

    // Retrieve with type safety
    const value = await db.get(Buffer.from('users/alice'));
    if (value) {
      const retrievedUser: User = JSON.parse(value.toString());
      console.log(`User: ${retrievedUser.name} (${retrievedUser.email})`);
    }
  } finally {
    await db.close();
  }
}
// ── wrapper (not in the guide): run main ──
await main();
