/**
 * The vector metrics a collection can use. Values are the strings stored in the collection record
 * (and accepted as plain strings: `metric: 'cosine'` works as well as `DistanceMetric.COSINE`).
 *
 * Search scores are higher-is-better for every metric (ABI.md, "Search and counts"):
 * - `COSINE`: the cosine similarity, in [-1, 1] (vectors are normalised at insert, so a zero
 *   vector is refused);
 * - `EUCLIDEAN` / `L2`: the negated squared Euclidean distance, `-Σ (aᵢ - bᵢ)²` (0 is identical);
 * - `DOT`: the dot product `Σ aᵢ bᵢ`.
 */
export const DistanceMetric = {
  COSINE: 'cosine',
  EUCLIDEAN: 'l2',
  /** Alias of `EUCLIDEAN`. */
  L2: 'l2',
  DOT: 'dot',
} as const;

export type DistanceMetric = (typeof DistanceMetric)[keyof typeof DistanceMetric];

/** Whether `value` names a metric. */
export function isDistanceMetric(value: unknown): value is DistanceMetric {
  return value === 'cosine' || value === 'l2' || value === 'dot';
}
