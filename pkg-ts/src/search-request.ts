/**
 * `collection.search`'s request checks and result shaping around the engine's search codec
 * (`engine/search-codec.ts`). Internal.
 */
import type { CollectionInfo, SearchRequest, SearchResult } from './collection-types.js';
import { HNSW_EF_MAX, integerIn } from './collection-config.js';
import { type EncodedSearch, type RawSearchHit, SEARCH_EXACT, SEARCH_FUSION_RRF, SEARCH_INCLUDE_VECTORS } from './engine/search-codec.js';
import { InvalidArgumentError } from './errors.js';
import { toVector } from './document-input.js';

/** Largest `k` of one search (the engine's `SEARCH_K_MAX`). */
export const SEARCH_K_MAX = 8192;
/** `alpha` when a hybrid search gives none: vector and text weigh the same. */
export const DEFAULT_ALPHA = 0.5;

/** Checks `request` against the collection and encodes it. Throws `InvalidArgumentError` naming the field. */
export function encodeSearch(request: SearchRequest, info: CollectionInfo): EncodedSearch {
  if (request === null || typeof request !== 'object') {
    throw new InvalidArgumentError('search takes a request object, e.g. { vector, k: 10 }.');
  }
  const k = integerIn('k', request.k, 1, SEARCH_K_MAX, undefined);
  const efSearch = request.efSearch === undefined ? 0 : integerIn('efSearch', request.efSearch, 1, HNSW_EF_MAX, undefined);
  const alpha = request.alpha ?? DEFAULT_ALPHA;
  if (typeof alpha !== 'number' || !(alpha >= 0 && alpha <= 1)) {
    throw new InvalidArgumentError(`alpha must be a number from 0 to 1, got ${String(alpha)}.`);
  }
  const fusion = request.fusion ?? 'linear';
  if (fusion !== 'linear' && fusion !== 'rrf') {
    throw new InvalidArgumentError(`fusion must be 'linear' or 'rrf', got ${JSON.stringify(fusion)}.`);
  }
  const text = request.textQuery ?? '';
  if (typeof text !== 'string') throw new InvalidArgumentError(`textQuery must be a string, got ${typeof text}.`);
  let vector = request.vector === undefined || request.vector === null ? null : toVector(request.vector, info, 'search vector');
  let textQuery = text.trim() === '' ? '' : text;
  if (vector === null && textQuery === '') {
    throw new InvalidArgumentError('search needs a vector, a textQuery, or both.');
  }
  // With linear fusion, alpha 1 (or 0) gives one side no weight at all: run only the other side,
  // so its scores stay the metric's (or BM25's) rather than normalised ones.
  if (vector !== null && textQuery !== '' && fusion === 'linear') {
    if (alpha === 1) textQuery = '';
    else if (alpha === 0) vector = null;
  }
  let flags = 0;
  if (request.includeVectors === true) flags |= SEARCH_INCLUDE_VECTORS;
  if (fusion === 'rrf') flags |= SEARCH_FUSION_RRF;
  if (request.exact === true) flags |= SEARCH_EXACT;
  return { k, efSearch, flags, alpha, vector, text: textQuery, filterJson: filterJson(request.filter) };
}

function filterJson(filter: unknown): string {
  if (filter === undefined || filter === null) return '';
  if (typeof filter !== 'object' || Array.isArray(filter)) {
    throw new InvalidArgumentError("filter must be an object like { source: 'web' } or { year: { $gte: 2020 } }.");
  }
  try {
    return JSON.stringify(filter);
  } catch (e) {
    throw new InvalidArgumentError(`filter cannot be sent as JSON: ${(e as Error).message}.`);
  }
}

/** An engine hit as the public result: parsed metadata, optional parts only when present. */
export function toSearchResult(hit: RawSearchHit): SearchResult {
  const metadata = hit.metadataJson === '{}' || hit.metadataJson === '' ? {} : (JSON.parse(hit.metadataJson) as Record<string, unknown>);
  const result: SearchResult = { id: hit.id, score: hit.score, metadata };
  if (hit.content !== null) result.content = hit.content;
  if (hit.vector !== null) result.vector = Array.from(hit.vector);
  if (!Number.isNaN(hit.vectorScore)) result.vectorScore = hit.vectorScore;
  if (!Number.isNaN(hit.textScore)) result.textScore = hit.textScore;
  return result;
}
