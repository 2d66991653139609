/** Seeded random vectors and a brute-force oracle for search tests (scores as ABI.md defines them). */
import type { Metadata } from '../../pkg-ts/src/index.js';

/** mulberry32: a small seeded generator, so every run sees the same data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Doc {
  id: string;
  vector: Float32Array;
  metadata: Metadata;
  content?: string;
}

/** `count` vectors around `clusters` random centres, each with metadata `{ cluster, n, even }`. */
export function clusteredDocs(count: number, dimension: number, clusters: number, seed: number): Doc[] {
  const random = rng(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const centres = Array.from({ length: clusters }, () => Array.from({ length: dimension }, () => gauss() * 4));
  return Array.from({ length: count }, (_, i) => {
    const cluster = i % clusters;
    const vector = Float32Array.from(centres[cluster]!, (c) => c + gauss());
    return { id: `doc-${String(i).padStart(5, '0')}`, vector, metadata: { cluster, n: i, even: i % 2 === 0 } };
  });
}

/** A query near a random document. */
export function queryNear(docs: Doc[], random: () => number): Float32Array {
  const base = docs[Math.floor(random() * docs.length)]!.vector;
  return Float32Array.from(base, (x) => x + (random() - 0.5));
}

/** The metric's score, computed in float64 from float32 inputs. */
export function score(metric: 'cosine' | 'l2' | 'dot', a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  let l2 = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
    l2 += (a[i]! - b[i]!) ** 2;
  }
  if (metric === 'cosine') return dot / Math.sqrt(na * nb);
  if (metric === 'dot') return dot;
  return -l2;
}

/** The true top `k` ids of `docs` (those passing `keep`) for `query`. */
export function exactTopK(
  docs: Doc[],
  metric: 'cosine' | 'l2' | 'dot',
  query: ArrayLike<number>,
  k: number,
  keep: (doc: Doc) => boolean = () => true,
): string[] {
  return docs
    .filter(keep)
    .map((doc) => ({ id: doc.id, s: score(metric, query, doc.vector) }))
    .sort((x, y) => y.s - x.s)
    .slice(0, k)
    .map((x) => x.id);
}

export function recall(found: string[], truth: string[]): number {
  const want = new Set(truth);
  return found.filter((id) => want.has(id)).length / truth.length;
}
