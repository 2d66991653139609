// One adapter per engine the keyword benchmark compares, same contract for all (document ids are
// row numbers of the corpus):
//   build(texts)      indexes every text; resolves to a handle;
//   search(h, q, k)   the top k documents for query `q` (terms separated by spaces, ORed), best
//                     first, as numbers (may be a promise).
// A missing peer package makes `load` throw "NOT_INSTALLED: ...", shown as "n/a (not installed)".

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importPeer } from './report.mjs';

const batch = 1000;

/** @type {Record<string, { label: string, note: string, load: () => Promise<object> }>} */
export const keywordEngines = {
  sochdb: {
    label: 'sochdb',
    note: "SochDB collection, BM25 over each document's content (k1 1.2, b 0.75), exact top-k; every document also needs a vector: 2 dims, random, HNSW m 4 / efConstruction 16; insertBatch of 1,000",
    async load() {
      const { Database, DistanceMetric } = await importPeer('@sochdb/sochdb');
      return {
        async build(texts) {
          const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sochdb-bench-keyword-'));
          const db = Database.open(dir);
          const col = db.createNamespace({ name: 'bench' }).createCollection({ name: 'docs', dimension: 2, metric: DistanceMetric.L2, m: 4, efConstruction: 16 });
          for (let from = 0; from < texts.length; from += batch) {
            const to = Math.min(texts.length, from + batch);
            const vectors = [];
            const ids = [];
            for (let i = from; i < to; i++) {
              vectors.push([Math.sin(i), Math.cos(i)]);
              ids.push(String(i));
            }
            await col.insertBatch({ vectors, ids, contents: texts.slice(from, to) });
          }
          return { db, col, dir };
        },
        async search(h, q, k) {
          const hits = await h.col.search({ textQuery: q, k });
          return hits.map((r) => Number(r.id));
        },
        async close(h) {
          await h.db.close();
          fs.rmSync(h.dir, { recursive: true, force: true });
        },
      };
    },
  },

  minisearch: {
    label: 'minisearch',
    note: 'MiniSearch, one field, addAll; search ORs the terms (BM25+ k1 1.2, b 0.7, d 0.5) and returns every match sorted: top 10 sliced off',
    async load() {
      const { default: MiniSearch } = await importPeer('minisearch');
      return {
        build(texts) {
          const ms = new MiniSearch({ fields: ['text'], storeFields: [] });
          ms.addAll(texts.map((text, id) => ({ id, text })));
          return ms;
        },
        search: (ms, q, k) => ms.search(q).slice(0, k).map((r) => r.id),
      };
    },
  },

  orama: {
    label: 'orama',
    note: 'Orama, one string property, insertMultiple of 1,000; search with limit 10 (BM25, threshold 1 = any term)',
    async load() {
      const { create, insertMultiple, search } = await importPeer('@orama/orama');
      return {
        async build(texts) {
          const db = create({ schema: { text: 'string' } });
          for (let from = 0; from < texts.length; from += batch) {
            const docs = [];
            for (let i = from; i < Math.min(texts.length, from + batch); i++) docs.push({ id: String(i), text: texts[i] });
            await insertMultiple(db, docs, batch);
          }
          return db;
        },
        async search(db, q, k) {
          const res = await search(db, { term: q, properties: ['text'], limit: k, threshold: 1 });
          return res.hits.map((hit) => Number(hit.id));
        },
      };
    },
  },

  'js-bm25': {
    label: 'plain JS BM25',
    note: 'the reference: a Map of term → (doc ids, tfs) posting arrays, BM25 exactly as SochDB defines it, every posting scored into a Float32Array, top 10 by a sorted list',
    async load() {
      return { build: buildPlainBm25, search: searchPlainBm25 };
    },
  },
};

export const keywordEngineNames = Object.keys(keywordEngines);

const K1 = 1.2;
const B = 0.75;

/** A plain inverted index: term → { docs: Int32Array, tfs: Uint16Array }, plus document lengths. */
function buildPlainBm25(texts) {
  const lists = new Map();
  const lengths = new Uint32Array(texts.length);
  let total = 0;
  for (let d = 0; d < texts.length; d++) {
    const terms = texts[d].split(' ');
    lengths[d] = terms.length;
    total += terms.length;
    const tf = new Map();
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [t, c] of tf) {
      let l = lists.get(t);
      if (!l) lists.set(t, (l = { docs: [], tfs: [] }));
      l.docs.push(d);
      l.tfs.push(c);
    }
  }
  const postings = new Map();
  for (const [t, l] of lists) postings.set(t, { docs: Int32Array.from(l.docs), tfs: Uint16Array.from(l.tfs) });
  const avgdl = total / texts.length;
  const norm = Float32Array.from(lengths, (dl) => K1 * (1 - B + (B * dl) / avgdl));
  return { postings, norm, n: texts.length, scores: new Float32Array(texts.length), touched: new Int32Array(texts.length) };
}

function searchPlainBm25(h, q, k) {
  const { postings, norm, n, scores, touched } = h;
  let count = 0;
  for (const term of new Set(q.toLowerCase().split(/\s+/))) {
    const p = postings.get(term);
    if (!p) continue;
    const df = p.docs.length;
    const w = Math.log(1 + (n - df + 0.5) / (df + 0.5)) * (K1 + 1);
    for (let i = 0; i < df; i++) {
      const d = p.docs[i];
      const tf = p.tfs[i];
      if (scores[d] === 0) touched[count++] = d;
      scores[d] += (w * tf) / (tf + norm[d]);
    }
  }
  const best = new Float64Array(k).fill(-Infinity);
  const ids = new Array(k).fill(-1);
  for (let i = 0; i < count; i++) {
    const d = touched[i];
    const s = scores[d];
    scores[d] = 0;
    if (s < best[k - 1] || (s === best[k - 1] && d > ids[k - 1])) continue;
    let p = k - 1;
    while (p > 0 && (best[p - 1] < s || (best[p - 1] === s && ids[p - 1] > d))) {
      best[p] = best[p - 1];
      ids[p] = ids[p - 1];
      p--;
    }
    best[p] = s;
    ids[p] = d;
  }
  return ids.filter((d) => d >= 0);
}
