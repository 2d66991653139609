// The browser KV workload, one function for every engine (run on the page for SochDB and
// idb-keyval, inside a worker for SQLite): `n` puts of 16-byte keys ("k" + 15 digits, so numeric
// order is byte order) and 100-byte values in shuffled key order, in batches of `batch`, each batch
// durable before the next starts; `gets` random gets awaited one by one; `scans` range scans of
// [key(s), key(s + scanLen)), each checked to yield exactly scanLen keys.
import { prng } from '../lib/prng.mjs';

export interface KvOpts {
  n: number;
  batch: number;
  gets: number;
  scans: number;
  scanLen: number;
  seed: number;
}

export interface KvAdapter {
  putBatch(keys: Uint8Array[], values: Uint8Array[]): Promise<void>;
  get(key: Uint8Array): Promise<Uint8Array | null | undefined>;
  /** Number of entries in [start, end). */
  scan(start: Uint8Array, end: Uint8Array): Promise<number>;
}

export interface KvMetrics {
  putOps: number;
  getOps: number;
  scanKeysPerSec: number;
  loadS: number;
}

const VALUE_SIZE = 100;
const enc = new TextEncoder();
export const keyOf = (i: number): Uint8Array => enc.encode(`k${String(i).padStart(15, '0')}`);

export function valueOf(i: number): Uint8Array {
  const v = new Uint8Array(VALUE_SIZE);
  const r = prng(i + 1);
  for (let j = 0; j < VALUE_SIZE; j++) v[j] = (r() * 256) | 0;
  return v;
}

function shuffled(n: number, rand: () => number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

export async function runKv(a: KvAdapter, o: KvOpts): Promise<KvMetrics> {
  const rand = prng(o.seed);
  const order = shuffled(o.n, rand);
  const keys = Array.from({ length: o.n }, (_, i) => keyOf(i));
  const values = Array.from({ length: o.n }, (_, i) => valueOf(i));
  const getIdx = Uint32Array.from({ length: o.gets }, () => Math.floor(rand() * o.n));
  const scanStarts = Uint32Array.from({ length: o.scans }, () => Math.floor(rand() * (o.n - o.scanLen)));

  let t0 = performance.now();
  for (let b = 0; b < o.n; b += o.batch) {
    const idx = order.subarray(b, Math.min(b + o.batch, o.n));
    await a.putBatch(Array.from(idx, (i) => keys[i]!), Array.from(idx, (i) => values[i]!));
  }
  const loadS = (performance.now() - t0) / 1000;

  t0 = performance.now();
  for (const i of getIdx) {
    const v = await a.get(keys[i]!);
    if (!v || v.length !== VALUE_SIZE || v[0] !== values[i]![0]) throw new Error(`get ${i}: wrong value`);
  }
  const getS = (performance.now() - t0) / 1000;

  t0 = performance.now();
  for (const s of scanStarts) {
    const count = await a.scan(keys[s]!, keys[s + o.scanLen]!);
    if (count !== o.scanLen) throw new Error(`scan from ${s} gave ${count} keys, not ${o.scanLen}`);
  }
  const scanS = (performance.now() - t0) / 1000;
  return { putOps: o.n / loadS, getOps: o.gets / getS, scanKeysPerSec: (o.scans * o.scanLen) / scanS, loadS };
}
