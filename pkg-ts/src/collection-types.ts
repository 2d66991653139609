/**
 * The public types of namespaces and collections (the guide's "Namespace & Collections" and
 * "Vector Search").
 */
import type { DistanceMetric } from './distance-metric.js';

/** What `db.createNamespace` takes. `name`: 1-128 characters of `[A-Za-z0-9_.-]`. */
export interface NamespaceConfig {
  name: string;
  displayName?: string;
  labels?: Record<string, string>;
}

/** A namespace as stored: its config plus when it was created (ms since the epoch). */
export interface NamespaceInfo extends NamespaceConfig {
  displayName: string;
  labels: Record<string, string>;
  createdAt: number;
}

/** How vectors are held while the HNSW graph is walked. */
export type Quantization = 'auto' | 'bf16' | 'none' | 'int8';

/**
 * What `ns.createCollection(name, options)` takes. HNSW parameters use hnswlib's meaning.
 * Defaults: `metric` cosine, `m` 16, `efConstruction` 200, `efSearch` 64, `quantization` auto.
 */
export interface CollectionOptions {
  /** Vector length, 1 to 4096. Every vector of the collection must have it. */
  dimension: number;
  /** See `DistanceMetric` for the score each metric gives. */
  metric?: DistanceMetric;
  /** Links per node (layer 0 keeps 2m), 2 to 128. */
  m?: number;
  /** Candidate list size while inserting, 1 to 8192. */
  efConstruction?: number;
  /** Default candidate list size of a search, 1 to 8192 (a search may override it). */
  efSearch?: number;
  /**
   * What the index holds of each vector to walk its graph. Whichever is chosen, scores are exact
   * and `exact: true` searches stay exact: `bf16` and `int8` re-rank each search's best candidates
   * with the full f32 vectors read from their documents.
   *
   * `auto` (default): `none` while the index's f32 rows take at most 8 MiB (16k vectors of 128-d,
   * 5.4k of 384-d: they sit in the CPU caches, where f32 is a little faster), then `bf16`.
   *
   * `bf16`: two bytes per dimension, each value's top 16 bits (8 bits of precision), so the
   * walk's distances are within about 0.4% of the exact ones. Recall is the full vectors'; the
   * index takes half the memory of `none`, and searches of 100k vectors ran 1.1-1.3x faster.
   *
   * `none`: the full f32 vectors (four bytes per dimension) in the index too. The walk measures
   * exact distances; no re-rank.
   *
   * `int8`: the index keeps one byte per dimension (plus 16 bytes a vector) instead of four: the
   * graph is built and walked on these codes, and the best candidates of each search are
   * re-ranked with the full vectors read from their documents. Recall and scores stay the full
   * vectors'; the index takes about a quarter of the memory and disk, and large collections build
   * and search faster. An `exact` search reads every matching document's vector, so it is slower.
   */
  quantization?: Quantization;
  /**
   * A metadata field (dotted path) whose string value is indexed for `textQuery` instead of each
   * document's `content`. Null (default): `content` is indexed. Fixed at creation.
   */
  textField?: string | null;
}

/** What `ns.createCollection(config)` takes: the options plus the collection's name. */
export interface CollectionConfig extends CollectionOptions {
  /** 1-128 characters of `[A-Za-z0-9_.-]`, unique within the namespace. */
  name: string;
}

/** A collection as stored: every option resolved, plus when it was created (ms since the epoch). */
export interface CollectionInfo extends Required<CollectionConfig> {
  textField: string | null;
  createdAt: number;
}

/** A vector: an array of numbers or a `Float32Array` (values are stored as 32-bit floats). */
export type VectorInput = ArrayLike<number>;

/** Metadata: a JSON object (nested objects are reachable by dotted paths in filters). */
export type Metadata = Record<string, unknown>;

/** What `collection.insert` and `collection.upsert` take. */
export interface InsertRequest {
  vector: VectorInput;
  metadata?: Metadata;
  /** 1-512 bytes of UTF-8 without NUL; a random UUID when absent. */
  id?: string;
  /** Text indexed for `textQuery` (BM25). */
  content?: string;
}

/** What `collection.insertBatch` and `collection.upsertBatch` take: parallel arrays. */
export interface BatchInsertRequest {
  vectors: ReadonlyArray<VectorInput>;
  metadatas?: ReadonlyArray<Metadata | undefined>;
  ids?: ReadonlyArray<string>;
  contents?: ReadonlyArray<string | undefined>;
}

/** A stored document, as `collection.get` returns it. */
export interface Document {
  id: string;
  vector: number[];
  metadata: Metadata;
  /** Null when the document was stored without content. */
  content: string | null;
}

/**
 * A metadata filter (MongoDB's syntax, restricted): `{ field: value }`, `{ field: { $eq, $ne, $gt,
 * $gte, $lt, $lte, $in, $nin, $exists, $not } }`, `{ $and: [...] }`, `{ $or: [...] }`,
 * `{ $not: filter }`; members of one object are ANDed. Values compare within one type only;
 * a missing field fails `$eq`, `$in` and ranges and passes `$ne` and `$nin`; `null` matches only a
 * field that is null; an array field matches when any element does.
 */
export type SearchFilter = Record<string, unknown>;

/**
 * What `collection.search` takes. Give `vector`, `textQuery`, or both (hybrid).
 * - vector only: the top `k` by the metric's score (see `DistanceMetric`);
 * - `textQuery` only: the top `k` by BM25 over each document's content;
 * - both: each side's scores are min-max normalised and fused as `alpha * vector + (1 - alpha) *
 *   text` (a side that did not find the document counts 0), or by reciprocal rank fusion
 *   (`fusion: 'rrf'`: `Σ 1 / (60 + rank)`). `alpha` defaults to 0.5; `alpha: 1` is a plain vector
 *   search and `alpha: 0` a plain text search (the other side is not run, scores are that side's).
 * The filter is applied inside the search, so `k` results come back whenever `k` documents match.
 */
export interface SearchRequest {
  vector?: VectorInput;
  /** How many results, 1 to 8192. */
  k: number;
  filter?: SearchFilter;
  textQuery?: string;
  /** Weight of the vector side in a hybrid search, 0 to 1; default 0.5. Ignored with `fusion: 'rrf'`. */
  alpha?: number;
  /** `'linear'` (default): weighted by `alpha`; `'rrf'`: reciprocal rank fusion. */
  fusion?: 'linear' | 'rrf';
  /** Candidate list size for this search (default: the collection's `efSearch`). */
  efSearch?: number;
  /** Return each result's vector. */
  includeVectors?: boolean;
  /** Brute force over every document instead of the HNSW graph: exact, slower. */
  exact?: boolean;
}

/** One search hit. Results come best first. */
export interface SearchResult {
  id: string;
  /** Higher is better: the metric's score, BM25, or the fused score (see `SearchRequest`). */
  score: number;
  metadata: Metadata;
  /** The document's content, when it has one. */
  content?: string;
  /** With `includeVectors`. */
  vector?: number[];
  /** In a hybrid search, the vector side's raw score (absent when that side did not find it). */
  vectorScore?: number;
  /** In a hybrid search, the BM25 score (absent when that side did not find it). */
  textScore?: number;
}
