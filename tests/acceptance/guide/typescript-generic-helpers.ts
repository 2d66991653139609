// Guide: "TypeScript Usage" → "Generic Helper Functions".
// ── wrapper (not in the guide): the import and the User type of the previous sample ──
import assert from 'node:assert/strict';
import { Database } from 'sochdb';
interface User {
  name: string;
  age: number;
}
// ── guide sample, verbatim ──
class TypedDatabase {
  constructor(private db: Database) {}

  async putJSON<T>(key: string, value: T): Promise<void> {
    await this.db.put(
      Buffer.from(key),
      Buffer.from(JSON.stringify(value))
    );
  }

  async getJSON<T>(key: string): Promise<T | null> {
    const value = await this.db.get(Buffer.from(key));
    return value ? JSON.parse(value.toString()) : null;
  }

  async scanJSON<T>(prefix: string): Promise<Array<[string, T]>> {
    const results: Array<[string, T]> = [];
    for await (const [key, value] of this.db.scan(
      Buffer.from(prefix),
      Buffer.from(prefix.replace(/\/$/, ';'))
    )) {
      results.push([
        key.toString(),
        JSON.parse(value.toString())
      ]);
    }
    return results;
  }
}

// Usage
const db = await Database.open('./my_db');
const typedDb = new TypedDatabase(db);

await typedDb.putJSON('users/alice', { name: 'Alice', age: 30 });
const user = await typedDb.getJSON<User>('users/alice');
// ── wrapper (not in the guide): check the helpers' results ──
assert.deepEqual(user, { name: 'Alice', age: 30 });
assert.equal(await typedDb.getJSON<User>('users/nobody'), null);
await typedDb.putJSON('users/bob', { name: 'Bob', age: 41 });
await typedDb.putJSON('usersx', { name: 'not a user', age: 0 });
assert.deepEqual(await typedDb.scanJSON<User>('users/'), [
  ['users/alice', { name: 'Alice', age: 30 }],
  ['users/bob', { name: 'Bob', age: 41 }],
]);
await db.close();
