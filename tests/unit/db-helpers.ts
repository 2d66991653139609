/** Helpers for tests that run the real engine. */
import { afterEach } from 'vitest';
import { Database, type DatabaseConfig, type KeyValue } from '../../pkg-ts/src/index.js';
import { tempDirs } from './tmp-dirs.js';

export const b = (text: string): Buffer => Buffer.from(text, 'utf8');

/** Every pair of an async iterable, as `[key, value]` strings. */
export async function collect(pairs: AsyncIterable<KeyValue>): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for await (const [key, value] of pairs) out.push([key.toString(), value.toString()]);
  return out;
}

/** Databases opened through `open` are closed after each test; `newDir()` gives a fresh path. */
export function dbFixture(label: string) {
  const newDir = tempDirs(label);
  const opened: Database[] = [];
  afterEach(async () => {
    await Promise.allSettled(opened.splice(0).map((db) => db.close()));
  });
  const open = (dir: string = newDir(), config?: DatabaseConfig): Database => {
    const db = Database.open(dir, config);
    opened.push(db);
    return db;
  };
  return { newDir, open };
}

