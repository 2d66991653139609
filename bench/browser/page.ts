// The browser bench's page script: `window.bench.kv(engine, opts)` runs the KV workload against one
// engine and `window.bench.vecBuild` / `vecFirst` the first-query-after-load measurement. Driven by
// bench/browser.mjs through Playwright. SochDB is the package as built (`@sochdb/sochdb` maps to
// /pkg/dist/browser.js by the page's import map), its engine in the package's own Worker.
import { Database } from '@sochdb/sochdb';
import { createStore, get, setMany, type UseStore } from 'idb-keyval';
import { gaussian, prng } from '../lib/prng.mjs';
import { type KvAdapter, type KvOpts, keyOf, runKv, valueOf } from './workload.js';

const promisify = <T>(r: IDBRequest<T> | IDBTransaction): Promise<T> =>
  new Promise((resolve, reject) => {
    (r as IDBRequest<T>).onsuccess = (r as IDBTransaction).oncomplete = () => resolve((r as IDBRequest<T>).result);
    (r as IDBRequest<T>).onerror = (r as IDBTransaction).onabort = () => reject(r.error);
  });

/** idb-keyval's `createStore`, except that every transaction asks for `durability: 'strict'`. */
function strictStore(dbName: string, storeName: string): UseStore {
  const request = indexedDB.open(dbName);
  request.onupgradeneeded = () => request.result.createObjectStore(storeName);
  const db = promisify(request);
  return (mode, callback) => db.then((d) => callback(d.transaction(storeName, mode, { durability: 'strict' }).objectStore(storeName)));
}

/** idb-keyval has no range read: a raw IDB cursor over [start, end) in the same store. */
function cursorCount(store: UseStore, start: Uint8Array, end: Uint8Array): Promise<number> {
  return store('readonly', (s) => {
    const req = s.openCursor(IDBKeyRange.bound(start, end, false, true));
    let n = 0;
    return new Promise<number>((resolve, reject) => {
      req.onsuccess = () => {
        const c = req.result;
        if (!c) return resolve(n);
        if ((c.value as Uint8Array).length > 0) n++;
        c.continue();
      };
      req.onerror = () => reject(req.error);
    });
  });
}

async function clearStorage(): Promise<void> {
  const root = await navigator.storage.getDirectory();
  for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) await root.removeEntry(name, { recursive: true });
  for (const { name } of await indexedDB.databases()) if (name) await promisify(indexedDB.deleteDatabase(name) as unknown as IDBRequest);
}

async function sochdbAdapter(db: Database, pipelined: boolean): Promise<KvAdapter> {
  return {
    async putBatch(keys, values) {
      const txn = db.beginTransaction();
      if (pipelined) await Promise.all(keys.map((k, i) => txn.put(k, values[i]!)));
      else for (let i = 0; i < keys.length; i++) await txn.put(keys[i]!, values[i]!);
      await txn.commit();
    },
    get: (k) => db.get(k),
    async scan(start, end) {
      let n = 0;
      for await (const [k, v] of db.scan(start, end)) n += k.length + v.length > 0 ? 1 : 0;
      return n;
    },
  };
}

function sqliteInWorker(opts: KvOpts): Promise<object> {
  const w = new Worker('/build/sqlite-worker.js', { type: 'module' });
  return new Promise((resolve, reject) => {
    w.onmessage = (ev) => {
      w.terminate();
      if (ev.data.error) reject(new Error(ev.data.error));
      else resolve(ev.data);
    };
    w.onerror = (ev) => {
      w.terminate();
      reject(new Error(`sqlite worker: ${ev.message}`));
    };
    w.postMessage({ opts, file: '/bench-kv.sqlite3' });
  });
}

async function kv(engine: string, opts: KvOpts): Promise<object> {
  await clearStorage();
  if (engine === 'sochdb-opfs' || engine === 'sochdb-idb') {
    const storage = engine === 'sochdb-opfs' ? 'opfs' : 'indexeddb';
    const db = await Database.open('bench-kv', { storage, syncMode: 'full' });
    const metrics: Record<string, number> = { ...(await runKv(await sochdbAdapter(db, false), opts)) };
    await db.close();
    // Same puts again on a fresh database, each batch's txn.put calls issued without awaiting one
    // by one (Promise.all), then commit: what a caller can do to skip a round trip per put.
    await clearStorage();
    const db2 = await Database.open('bench-kv2', { storage, syncMode: 'full' });
    const a = await sochdbAdapter(db2, true);
    const t0 = performance.now();
    for (let b = 0; b < opts.n; b += opts.batch) {
      const idx = Array.from({ length: Math.min(opts.batch, opts.n - b) }, (_, j) => b + j);
      await a.putBatch(idx.map(keyOf), idx.map(valueOf));
    }
    metrics.pipelinedPutOps = opts.n / ((performance.now() - t0) / 1000);
    await db2.close();
    return { metrics };
  }
  if (engine === 'idb-keyval' || engine === 'idb-keyval-strict') {
    const store = engine === 'idb-keyval' ? createStore(`bench-${engine}`, 'kv') : strictStore(`bench-${engine}`, 'kv');
    const metrics = await runKv(
      {
        putBatch: (keys, values) => setMany(keys.map((k, i) => [k, values[i]]), store),
        get: (k) => get(k, store),
        scan: (start, end) => cursorCount(store, start, end),
      },
      opts,
    );
    // Close the connection, or the next clearStorage's deleteDatabase would wait on it forever.
    await store('readonly', (s) => s.transaction.db.close());
    return { metrics };
  }
  if (engine === 'sqlite-opfs') {
    const r = (await sqliteInWorker(opts)) as { metrics: object; version: string; journal: string };
    return { metrics: r.metrics, version: r.version, journal: r.journal };
  }
  throw new Error(`unknown engine ${engine}`);
}

interface VecOpts {
  n: number;
  dim: number;
  seed: number;
  efConstruction: number;
}

function unitVector(g: () => number, dim: number): Float32Array {
  const v = new Float32Array(dim);
  let s = 0;
  for (let j = 0; j < dim; j++) s += (v[j] = g()) ** 2;
  const inv = 1 / Math.sqrt(s);
  for (let j = 0; j < dim; j++) v[j]! *= inv;
  return v;
}

/** First page load: a fresh OPFS database with one collection of `n` random unit vectors. */
async function vecBuild(o: VecOpts): Promise<object> {
  await clearStorage();
  const g = gaussian(prng(o.seed));
  const t0 = performance.now();
  const db = await Database.open('bench-vec', { storage: 'opfs' });
  const ns = await db.createNamespace({ name: 'bench' });
  const col = await ns.createCollection({ name: 'vecs', dimension: o.dim, efConstruction: o.efConstruction }); // metric: default cosine
  for (let from = 0; from < o.n; from += 1000) {
    const vectors: Float32Array[] = [];
    const ids: string[] = [];
    for (let i = from; i < Math.min(o.n, from + 1000); i++) {
      vectors.push(unitVector(g, o.dim));
      ids.push(String(i));
    }
    await col.insertBatch({ vectors, ids });
  }
  const buildS = (performance.now() - t0) / 1000;
  const count = await col.count();
  await db.close();
  return { buildS, count };
}

/** After a reload: open + namespace + collection + first search, timed from before the open. */
async function vecFirst(o: VecOpts & { k: number }): Promise<object> {
  const q = unitVector(gaussian(prng(o.seed + 1)), o.dim);
  const t0 = performance.now();
  const db = await Database.open('bench-vec', { storage: 'opfs' });
  const t1 = performance.now();
  const col = await (await db.namespace('bench')).collection('vecs');
  const t2 = performance.now();
  const hits = await col.search({ vector: q, k: o.k });
  const t3 = performance.now();
  const q2 = unitVector(gaussian(prng(o.seed + 2)), o.dim);
  await col.search({ vector: q2, k: o.k });
  const t4 = performance.now();
  await db.close();
  return { firstQueryMs: t3 - t0, openMs: t1 - t0, collectionMs: t2 - t1, searchMs: t3 - t2, secondSearchMs: t4 - t3, hits: hits.length };
}

async function wipe(): Promise<void> {
  await clearStorage();
}

(globalThis as Record<string, unknown>).bench = { kv, vecBuild, vecFirst, wipe, isolated: globalThis.crossOriginIsolated };
(globalThis as Record<string, unknown>).pageReady = true;
