// One adapter per engine the vector benchmark compares, same contract for all (ids are row numbers
// of the dataset; vectors are unit-length, the metric is cosine everywhere):
//   create({ n, dim, m, efConstruction, dir })  an empty index sized for n vectors;
//   add(h, base, from, to)      inserts rows [from, to) of `base` (a Float32Array of n × dim);
//   setEf?(h, ef)               search candidate list size (HNSW engines; absent = no sweep);
//   search(h, q, k)             the k nearest rows to q, best first, as numbers (may be a promise);
//   searchExact?(h, q, k)       brute force inside the engine;
//   save?(h, dir), open?(dir, spec)  persist, then load again (the benchmark times open + first search);
//   close?(h).
// A missing peer package makes the factory throw "NOT_INSTALLED: ...", shown as "n/a (not installed)".

import path from 'node:path';
import { exactTopK } from './vector-data.mjs';
import { importPeer } from './report.mjs';

const dataSeed = 100; // hnswlib's default level-generator seed, given to every engine that takes one

const sochdbNotes = {
  default:
    "SochDB collection with its defaults (WASM SIMD128 HNSW; quantization 'auto': f32 rows up to 8 MiB, then bf16 rows, whose walk re-ranks with the documents' f32 vectors), insertBatch of 1,000 (one durable transaction each), awaited search",
  none: "SochDB collection with quantization: 'none' (f32 rows in the index, no re-rank), as sochdb otherwise",
  int8: "SochDB collection with quantization: 'int8' (the walk reads 8-bit codes, re-ranks with the full vectors), as sochdb otherwise",
};

/** SochDB's adapter; `quantization` is the collection option ('none' or 'int8'), or 'default' to pass none. */
function sochdbEngine(quantization) {
  const options = quantization === 'default' ? {} : { quantization };
  return {
    label: { default: 'sochdb', none: 'sochdb f32', int8: 'sochdb int8' }[quantization],
    note: sochdbNotes[quantization],
    async load() {
      const { Database, DistanceMetric } = await importPeer('@sochdb/sochdb');
      const open = (dir) => {
        const db = Database.open(dir);
        return { db, col: db.namespace('bench').collection('vectors') };
      };
      return {
        create({ dim, m, efConstruction, dir }) {
          const db = Database.open(dir);
          const ns = db.createNamespace({ name: 'bench' });
          const col = ns.createCollection({ name: 'vectors', dimension: dim, metric: DistanceMetric.COSINE, m, efConstruction, ...options });
          return { db, col, dim, ef: 64 };
        },
        async add(h, base, from, to) {
          const { dim } = h;
          const vectors = [];
          const ids = [];
          for (let i = from; i < to; i++) {
            vectors.push(base.subarray(i * dim, (i + 1) * dim));
            ids.push(String(i));
          }
          await h.col.insertBatch({ vectors, ids });
        },
        setEf(h, ef) {
          h.ef = ef;
        },
        async search(h, q, k) {
          const hits = await h.col.search({ vector: q, k, efSearch: h.ef });
          return hits.map((r) => Number(r.id));
        },
        // int8's exact scan reads every document's vector: measured on the other two.
        searchExact: quantization === 'int8'
          ? undefined
          : async (h, q, k) => (await h.col.search({ vector: q, k, exact: true })).map((r) => Number(r.id)),
        async save(h) {
          await h.db.close();
        },
        async open(dir, { dim }) {
          return { ...open(dir), dim, ef: 64 };
        },
        close: (h) => h.db.close(),
      };
    },
  };
}

/** @type {Record<string, { label: string, note: string, load: () => Promise<object> }>} */
export const vectorEngines = {
  sochdb: sochdbEngine('default'),
  'sochdb-f32': sochdbEngine('none'),
  'sochdb-int8': sochdbEngine('int8'),

  'hnswlib-node': {
    label: 'hnswlib-node',
    note: 'hnswlib C++ (native addon), addPoint one by one (takes a JS Array), searchKnn',
    async load() {
      const { default: hnswlib } = await importPeer('hnswlib-node');
      const file = (dir) => path.join(dir, 'index.hnsw');
      return {
        create({ n, dim, m, efConstruction }) {
          const index = new hnswlib.HierarchicalNSW('cosine', dim);
          index.initIndex(n, m, efConstruction, dataSeed);
          return { index, dim };
        },
        add(h, base, from, to) {
          for (let i = from; i < to; i++) h.index.addPoint(Array.from(base.subarray(i * h.dim, (i + 1) * h.dim)), i);
        },
        setEf: (h, ef) => h.index.setEf(ef),
        search: (h, q, k) => h.index.searchKnn(Array.from(q), k).neighbors,
        save: (h, dir) => h.index.writeIndexSync(file(dir)),
        open(dir, { dim }) {
          const index = new hnswlib.HierarchicalNSW('cosine', dim);
          index.readIndexSync(file(dir));
          return { index, dim };
        },
      };
    },
  },

  'hnswlib-wasm': {
    label: 'hnswlib-wasm',
    note: 'hnswlib compiled by Emscripten (web build; Node needs a `window` shim, its IDBFS setup fails harmlessly), addPoints per 1,000',
    async load() {
      globalThis.window ??= globalThis;
      const { loadHnswlib } = await importPeer('hnswlib-wasm', 'hnswlib-wasm/dist/hnswlib.js');
      // The web build mounts IndexedDB storage at load and logs the failure; silence that noise.
      const saved = [console.log, console.error, console.warn];
      console.log = console.error = console.warn = () => {};
      let lib;
      try {
        lib = await loadHnswlib();
      } finally {
        [console.log, console.error, console.warn] = saved;
      }
      return {
        create({ n, dim, m, efConstruction }) {
          const index = new lib.HierarchicalNSW('cosine', dim, '');
          index.initIndex(n, m, efConstruction, dataSeed);
          return { index, dim };
        },
        add(h, base, from, to) {
          const items = [];
          const labels = [];
          for (let i = from; i < to; i++) {
            items.push(base.subarray(i * h.dim, (i + 1) * h.dim));
            labels.push(i);
          }
          h.index.addPoints(items, labels, false);
        },
        setEf: (h, ef) => h.index.setEfSearch(ef),
        search: (h, q, k) => h.index.searchKnn(q, k, undefined).neighbors,
      };
    },
  },

  usearch: {
    label: 'usearch',
    note: 'USearch C++ (native addon, SIMD), add() of 1,000 per call with threads=1, search with threads=1; efSearch is fixed per Index, so each ef loads the saved file into a new Index',
    async load() {
      const usearch = await importPeer('usearch');
      const { Index } = usearch.default ?? usearch;
      const file = (dir) => path.join(dir, 'index.usearch');
      const make = (dim, m, efConstruction, ef) =>
        new Index({ dimensions: dim, metric: 'cos', connectivity: m, expansion_add: efConstruction, expansion_search: ef });
      return {
        create({ dim, m, efConstruction, dir }) {
          return { index: make(dim, m, efConstruction, 64), dim, m, efConstruction, dir, saved: false };
        },
        add(h, base, from, to) {
          const keys = new BigUint64Array(to - from);
          for (let i = from; i < to; i++) keys[i - from] = BigInt(i);
          h.index.add(keys, base.subarray(from * h.dim, to * h.dim), 1);
        },
        setEf(h, ef) {
          if (!h.saved) {
            h.index.save(file(h.dir));
            h.saved = true;
          }
          h.index = make(h.dim, h.m, h.efConstruction, ef);
          h.index.load(file(h.dir));
        },
        search: (h, q, k) => Array.from(h.index.search(q, k, 1).keys, Number),
        save(h, dir) {
          h.index.save(file(dir));
        },
        open(dir, { dim, m, efConstruction }) {
          const index = make(dim, m, efConstruction, 64);
          index.load(file(dir));
          return { index, dim, m, efConstruction, dir, saved: true };
        },
      };
    },
  },

  orama: {
    label: 'orama',
    note: 'Orama vector property (its own flat index: exact scan with a similarity threshold, here -1), insertMultiple of 1,000',
    async load() {
      const { create, insertMultiple, search } = await importPeer('@orama/orama');
      return {
        create({ dim }) {
          return { db: create({ schema: { v: `vector[${dim}]` } }), dim };
        },
        async add(h, base, from, to) {
          const docs = [];
          for (let i = from; i < to; i++) docs.push({ id: String(i), v: Array.from(base.subarray(i * h.dim, (i + 1) * h.dim)) });
          await insertMultiple(h.db, docs, 1000);
        },
        async search(h, q, k) {
          const res = await search(h.db, { mode: 'vector', vector: { value: Array.from(q), property: 'v' }, similarity: -1, limit: k, includeVectors: false });
          return res.hits.map((hit) => Number(hit.id));
        },
      };
    },
  },

  'js-exact': {
    label: 'plain JS exact',
    note: 'brute force in plain JS over one Float32Array (4 scalar accumulators, sorted top-10 list)',
    async load() {
      return {
        create({ n, dim }) {
          return { base: new Float32Array(n * dim), n: 0, dim, out: new Int32Array(10) };
        },
        add(h, base, from, to) {
          h.base.set(base.subarray(from * h.dim, to * h.dim), from * h.dim);
          h.n = to;
        },
        search(h, q, k) {
          if (h.out.length !== k) h.out = new Int32Array(k);
          return Array.from(exactTopK(h.base, h.n, h.dim, q, k, h.out));
        },
      };
    },
  },
};

export const vectorEngineNames = Object.keys(vectorEngines);
