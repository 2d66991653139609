// SQLite's official WASM build on OPFS, in a dedicated worker (its `opfs` VFS needs one, plus
// SharedArrayBuffer: the bench server sends COOP/COEP headers). The whole workload runs here, in
// the worker, so SQLite pays no main-thread ↔ worker message per get (SochDB does).
// Table `kv(k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID`, PRAGMA synchronous=FULL, default journal
// (DELETE), one BEGIN/COMMIT per batch, prepared statements.
import { type KvOpts, runKv } from './workload.js';

// Served as is at /sqlite/ (it finds its .wasm and OPFS proxy worker beside itself).
const sqliteUrl = '/sqlite/sqlite3.mjs';

self.onmessage = async (ev: MessageEvent<{ opts: KvOpts; file: string }>) => {
  try {
    const { default: init } = await import(/* @vite-ignore */ sqliteUrl);
    const sqlite3 = await init({ print: () => {}, printErr: () => {} });
    if (!sqlite3.oo1.OpfsDb) throw new Error('SQLite: no opfs VFS (not cross-origin isolated?)');
    const db = new sqlite3.oo1.OpfsDb(ev.data.file, 'ct');
    db.exec('PRAGMA synchronous=FULL; CREATE TABLE IF NOT EXISTS kv (k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID;');
    const journal = db.selectValue('PRAGMA journal_mode');
    const ins = db.prepare('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)');
    const sel = db.prepare('SELECT v FROM kv WHERE k = ?');
    const rng = db.prepare('SELECT k, v FROM kv WHERE k >= ? AND k < ? ORDER BY k');
    const metrics = await runKv(
      {
        async putBatch(keys, values) {
          db.exec('BEGIN');
          for (let i = 0; i < keys.length; i++) ins.bind([keys[i], values[i]]).stepReset();
          db.exec('COMMIT');
        },
        async get(key) {
          sel.bind([key]);
          const v = sel.step() ? sel.get(0) : null;
          sel.reset();
          return v;
        },
        async scan(start, end) {
          rng.bind([start, end]);
          let n = 0;
          while (rng.step()) {
            const k = rng.get(0);
            const v = rng.get(1);
            if (k.length + v.length > 0) n++;
          }
          rng.reset();
          return n;
        },
      },
      ev.data.opts,
    );
    ins.finalize();
    sel.finalize();
    rng.finalize();
    db.close();
    self.postMessage({ metrics, version: sqlite3.version.libVersion, journal });
  } catch (e) {
    self.postMessage({ error: String((e as Error)?.stack ?? e) });
  }
};
