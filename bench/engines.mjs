// One adapter per engine the KV benchmark compares. Every adapter offers the same operations, each
// with the same contract, so kv-one.mjs runs one workload against all of them:
//   open(dir)                 open or create a database in `dir` (an empty directory at first);
//   putBatch(h, keys, values) store the batch; resolves only once it is durable (see `durability`);
//   get(h, key)               one point read; resolves to a Buffer-like value or null/undefined;
//   scan(h, start, end)       visits every entry with start <= key < end in order; returns the count;
//   close(h)                  releases the database.
// `putBatchParallel` (optional) is a second way to write the same durable batch.

import fs from 'node:fs';
import path from 'node:path';

/** @typedef {{ name: string, durability: string, open(dir: string): Promise<any>,
 *   putBatch(h: any, keys: Buffer[], values: Buffer[]): Promise<void>,
 *   putBatchParallel?: (h: any, keys: Buffer[], values: Buffer[]) => Promise<void>,
 *   get(h: any, key: Buffer): Promise<Uint8Array | null | undefined>,
 *   scan(h: any, start: Buffer, end: Buffer): Promise<number>,
 *   close(h: any): Promise<void> }} Engine */

/** @type {Record<string, () => Promise<Engine>>} */
export const engines = {
  async sochdb() {
    const { Database } = await import('@sochdb/sochdb');
    return {
      name: 'sochdb',
      durability: "transaction of 1,000 puts, commit awaited (fs adapter, syncMode 'full': WAL fsync before resolve)",
      async open(dir) {
        return await Database.open(dir, { syncMode: 'full' });
      },
      async putBatch(db, keys, values) {
        const txn = await db.beginTransaction();
        for (let i = 0; i < keys.length; i++) await txn.put(keys[i], values[i]);
        await txn.commit();
      },
      async putBatchParallel(db, keys, values) {
        const pending = new Array(keys.length);
        for (let i = 0; i < keys.length; i++) pending[i] = db.put(keys[i], values[i]);
        await Promise.all(pending);
      },
      get: (db, key) => db.get(key),
      async scan(db, start, end) {
        let n = 0;
        for await (const [k, v] of db.scan(start, end)) n += k.length + v.length > 0 ? 1 : 0;
        return n;
      },
      close: (db) => db.close(),
    };
  },

  async lmdb() {
    const { open } = await import('lmdb');
    return {
      name: 'lmdb',
      durability: 'lmdb-js default (sync commits, overlapping sync); 1,000 put() then await db.flushed',
      async open(dir) {
        return open({ path: dir, keyEncoding: 'binary', encoding: 'binary', compression: false });
      },
      async putBatch(db, keys, values) {
        for (let i = 0; i < keys.length; i++) db.put(keys[i], values[i]);
        await db.flushed;
      },
      get: async (db, key) => db.get(key),
      async scan(db, start, end) {
        let n = 0;
        for (const { key, value } of db.getRange({ start, end })) n += key.length + value.length > 0 ? 1 : 0;
        return n;
      },
      close: (db) => db.close(),
    };
  },

  async 'classic-level'() {
    const { ClassicLevel } = await import('classic-level');
    return {
      name: 'classic-level',
      durability: 'LevelDB batch(ops, { sync: true }): log fsync per batch',
      async open(dir) {
        const db = new ClassicLevel(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
        await db.open();
        return db;
      },
      async putBatch(db, keys, values) {
        const ops = new Array(keys.length);
        for (let i = 0; i < keys.length; i++) ops[i] = { type: 'put', key: keys[i], value: values[i] };
        await db.batch(ops, { sync: true });
      },
      get: (db, key) => db.get(key),
      async scan(db, start, end) {
        let n = 0;
        for await (const [k, v] of db.iterator({ gte: start, lt: end })) n += k.length + v.length > 0 ? 1 : 0;
        return n;
      },
      close: (db) => db.close(),
    };
  },

  async 'better-sqlite3'() {
    const { default: Sqlite } = await import('better-sqlite3');
    return {
      name: 'better-sqlite3',
      durability: 'journal_mode=WAL, synchronous=FULL: WAL fsync per transaction of 1,000 puts',
      async open(dir) {
        const db = new Sqlite(path.join(dir, 'kv.sqlite'));
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = FULL');
        db.exec('CREATE TABLE IF NOT EXISTS kv (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID');
        const insert = db.prepare('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)');
        return {
          db,
          insertMany: db.transaction((keys, values) => {
            for (let i = 0; i < keys.length; i++) insert.run(keys[i], values[i]);
          }),
          select: db.prepare('SELECT v FROM kv WHERE k = ?').pluck(),
          range: db.prepare('SELECT k, v FROM kv WHERE k >= ? AND k < ? ORDER BY k').raw(),
        };
      },
      async putBatch(h, keys, values) {
        h.insertMany(keys, values);
      },
      get: async (h, key) => h.select.get(key),
      async scan(h, start, end) {
        let n = 0;
        for (const [k, v] of h.range.iterate(start, end)) n += k.length + v.length > 0 ? 1 : 0;
        return n;
      },
      close: async (h) => h.db.close(),
    };
  },

  /** The floor: the same key and value bytes appended to one file, fdatasync per batch. */
  async 'fs-floor'() {
    return {
      name: 'fs-floor',
      durability: 'node:fs appendSync of the batch bytes + fdatasyncSync per batch (no index)',
      async open(dir) {
        return { fd: fs.openSync(path.join(dir, 'log'), 'a') };
      },
      async putBatch(h, keys, values) {
        const parts = new Array(keys.length * 2);
        for (let i = 0; i < keys.length; i++) {
          parts[2 * i] = keys[i];
          parts[2 * i + 1] = values[i];
        }
        fs.writeSync(h.fd, Buffer.concat(parts));
        fs.fdatasyncSync(h.fd);
      },
      get: null,
      scan: null,
      close: async (h) => fs.closeSync(h.fd),
    };
  },
};

export const engineNames = Object.keys(engines);
