// Guide: "Complete Examples" → "Example 3: Session Cache". The whole sample, verbatim.
import { Database } from 'sochdb';

interface Session {
  userId: string;
  token: string;
  expiresAt: number;
}

class SessionStore {
  constructor(private db: Database) {}

  async create(userId: string, token: string, ttlMs: number): Promise<void> {
    const session: Session = {
      userId,
      token,
      expiresAt: Date.now() + ttlMs
    };

    await this.db.put(
      Buffer.from(`sessions/${token}`),
      Buffer.from(JSON.stringify(session))
    );
  }

  async get(token: string): Promise<Session | null> {
    const value = await this.db.get(Buffer.from(`sessions/${token}`));
    if (!value) return null;

    const session: Session = JSON.parse(value.toString());

    // Check expiration
    if (Date.now() > session.expiresAt) {
      await this.delete(token);
      return null;
    }

    return session;
  }

  async delete(token: string): Promise<void> {
    await this.db.delete(Buffer.from(`sessions/${token}`));
  }

  async cleanup(): Promise<number> {
    let removed = 0;
    const now = Date.now();

    for await (const [key, value] of this.db.scan(
      Buffer.from('sessions/'),
      Buffer.from('sessions;')
    )) {
      const session: Session = JSON.parse(value.toString());
      if (now > session.expiresAt) {
        await this.db.delete(key);
        removed++;
      }
    }

    return removed;
  }
}

async function main() {
  const db = await Database.open('./sessions');
  const store = new SessionStore(db);

  try {
    // Create sessions
    await store.create('user1', 'token123', 60000); // 1 minute
    await store.create('user2', 'token456', 120000); // 2 minutes

    console.log('Created 2 sessions');

    // Retrieve session
    const session = await store.get('token123');
    console.log(`Session for ${session?.userId}: expires in ${Math.round((session!.expiresAt - Date.now()) / 1000)}s`);

    // Cleanup expired
    const removed = await store.cleanup();
    console.log(`Cleaned up ${removed} expired sessions`);

  } finally {
    await db.close();
  }
}

main().catch(console.error);
