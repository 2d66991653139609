// The vector benchmark's data: clustered unit vectors (Gaussian clusters around random unit centres,
// renormalised), queries drawn the same way but not from the data, and exact top-k neighbours by
// brute force in plain JS. Generated once per (n, dim, queries, seed) and cached in the OS temp
// directory, so every engine's child process reads the same bytes.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gaussian, prng } from './prng.mjs';

export const clustersDefault = 100;
/** Length of a point's offset from its cluster centre (centres are unit vectors, ~1.4 apart). */
export const spreadDefault = 0.5;
export const k = 10;

const cacheDir = path.join(os.tmpdir(), 'sochdb-bench-vectors');

/** `count` unit vectors of `dim`, each a centre (chosen uniformly) plus Gaussian noise of norm ~spread. */
function clustered(rand, centres, clusters, dim, count, spread) {
  const normal = gaussian(rand);
  const out = new Float32Array(count * dim);
  const sigma = spread / Math.sqrt(dim);
  const v = new Float64Array(dim);
  for (let i = 0; i < count; i++) {
    const c = Math.floor(rand() * clusters);
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      v[j] = centres[c * dim + j] + sigma * normal();
      norm += v[j] * v[j];
    }
    norm = Math.sqrt(norm);
    for (let j = 0; j < dim; j++) out[i * dim + j] = v[j] / norm;
  }
  return out;
}

function generate(n, dim, queries, seed, clusters, spread) {
  const rand = prng(seed);
  const normal = gaussian(rand);
  const centres = new Float64Array(clusters * dim);
  for (let c = 0; c < clusters; c++) {
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      centres[c * dim + j] = normal();
      norm += centres[c * dim + j] ** 2;
    }
    norm = Math.sqrt(norm);
    for (let j = 0; j < dim; j++) centres[c * dim + j] /= norm;
  }
  const base = clustered(rand, centres, clusters, dim, n, spread);
  const query = clustered(prng(seed ^ 0x9e3779b9), centres, clusters, dim, queries, spread);
  return { base, query };
}

/** Dot product of row `row` of `base` with `q` (4 accumulators: plain JS, no SIMD). */
export function dotRow(base, row, q, dim) {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let o = row * dim;
  let j = 0;
  for (; j + 3 < dim; j += 4, o += 4) {
    s0 += base[o] * q[j];
    s1 += base[o + 1] * q[j + 1];
    s2 += base[o + 2] * q[j + 2];
    s3 += base[o + 3] * q[j + 3];
  }
  for (; j < dim; j++, o++) s0 += base[o] * q[j];
  return s0 + s1 + s2 + s3;
}

/**
 * The `topK` rows of `base` with the largest dot product with `q` (= cosine, all vectors being
 * unit), best first, written to `out` (Int32Array of topK). A sorted insertion list: topK is small.
 */
export function exactTopK(base, n, dim, q, topK, out) {
  const scores = new Float64Array(topK).fill(-Infinity);
  out.fill(-1);
  for (let i = 0; i < n; i++) {
    const s = dotRow(base, i, q, dim);
    if (s <= scores[topK - 1]) continue;
    let p = topK - 1;
    while (p > 0 && scores[p - 1] < s) {
      scores[p] = scores[p - 1];
      out[p] = out[p - 1];
      p--;
    }
    scores[p] = s;
    out[p] = i;
  }
  return out;
}

function readF32(file) {
  const buf = fs.readFileSync(file);
  return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
}

function readI32(file) {
  const buf = fs.readFileSync(file);
  return new Int32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
}

/** The files of one dataset (they may not exist yet). */
export function datasetFiles({ n, dim, queries, seed, clusters = clustersDefault, spread = spreadDefault }) {
  const stem = path.join(cacheDir, `n${n}-d${dim}-q${queries}-s${seed}-c${clusters}-r${spread}`);
  return { base: `${stem}.base.f32`, query: `${stem}.query.f32`, truth: `${stem}.truth${k}.i32` };
}

/**
 * Makes sure the dataset and its ground truth exist in the cache; returns the file names and how
 * long generation and brute force took (0 when cached). `log` gets progress lines.
 */
export function ensureDataset(spec, log = () => {}) {
  const files = datasetFiles(spec);
  if (fs.existsSync(files.truth) && fs.existsSync(files.base) && fs.existsSync(files.query)) return { files, truthMs: 0, cached: true };
  fs.mkdirSync(cacheDir, { recursive: true });
  const { n, dim, queries, seed, clusters = clustersDefault, spread = spreadDefault } = spec;
  log(`generating ${n} × ${dim} (${clusters} clusters) and ${queries} queries`);
  const { base, query } = generate(n, dim, queries, seed, clusters, spread);
  log(`exact top-${k} for ${queries} queries by brute force`);
  const t0 = performance.now();
  const truth = new Int32Array(queries * k);
  for (let q = 0; q < queries; q++) exactTopK(base, n, dim, query.subarray(q * dim, (q + 1) * dim), k, truth.subarray(q * k, (q + 1) * k));
  const truthMs = performance.now() - t0;
  for (const [file, arr] of [[files.base, base], [files.query, query], [files.truth, truth]]) {
    fs.writeFileSync(`${file}.tmp`, Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength));
    fs.renameSync(`${file}.tmp`, file);
  }
  return { files, truthMs, cached: false };
}

/** Reads a dataset written by `ensureDataset`. */
export function loadDataset(spec) {
  const files = datasetFiles(spec);
  const base = readF32(files.base);
  const query = readF32(files.query);
  const truth = readI32(files.truth);
  if (base.length !== spec.n * spec.dim || query.length !== spec.queries * spec.dim || truth.length !== spec.queries * k) {
    throw new Error(`cached dataset ${files.base} has the wrong size; delete ${cacheDir}`);
  }
  return { base, query, truth };
}

/** The queries alone: for a process whose RSS must not include the base vectors (freed memory
 * stays in the process and would hide an engine's allocations). */
export function loadQueries(spec) {
  const query = readF32(datasetFiles(spec).query);
  if (query.length !== spec.queries * spec.dim) throw new Error(`cached queries for ${spec.n} x ${spec.dim} have the wrong size; delete ${cacheDir}`);
  return query;
}

/** Mean recall@k of `found` (ids per query) against `truth` over the first `count` queries. */
export function recallAt(found, truth, count) {
  let hits = 0;
  for (let q = 0; q < count; q++) {
    const want = new Set(truth.subarray(q * k, (q + 1) * k));
    for (const id of found[q]) if (want.has(id)) hits++;
  }
  return hits / (count * k);
}
