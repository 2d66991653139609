/**
 * The byte encodings of `soch_search` (ABI.md, version 3, "Search and counts"): the request the
 * host writes and the results the engine returns. Integers and floats are little-endian.
 *
 * Request: `k u32 | ef_search u32 (0: the collection's) | flags u32 | alpha f32 | dim u32 |
 * f32 * dim | text_len u32 | text | filter_len u32 | filter JSON (0: none)`.
 * Result, repeated: `score f32 | vector_score f32 | text_score f32 | id_len u16 | id |
 * metadata_len u32 | metadata JSON | content_len u32 (0xFFFFFFFF: none) | content | vector_dim u32 |
 * f32 * vector_dim` (a side not used is NaN; `vector_dim` is 0 without `INCLUDE_VECTORS`).
 */
import { expectLength } from './outputs.js';

export const SEARCH_HAS_VECTOR = 1;
export const SEARCH_INCLUDE_VECTORS = 2;
export const SEARCH_FUSION_RRF = 4;
export const SEARCH_EXACT = 8;

const NO_CONTENT = 0xffff_ffff;
const EMPTY = Buffer.alloc(0);
/** Float32Array bytes are the wire's little-endian floats on every usual host: copy them whole. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Ids up to this length are decoded in JS when ASCII: cheaper than a native utf8 call. */
const SHORT_STRING = 32;

/** `out[start, end)` as UTF-8 text; short ASCII runs (the usual ids) skip the native decoder. */
function utf8(out: Buffer, start: number, end: number): string {
  if (end - start <= SHORT_STRING) {
    let ascii = '';
    let i = start;
    for (; i < end; i++) {
      const byte = out[i]!;
      if (byte >= 0x80) break;
      ascii += String.fromCharCode(byte);
    }
    if (i === end) return ascii;
  }
  return out.toString('utf8', start, end);
}

export interface EncodedSearch {
  k: number;
  /** 0: the collection's default. */
  efSearch: number;
  flags: number;
  alpha: number;
  /** Null for a text-only search. */
  vector: Float32Array | null;
  /** Empty for a vector-only search. */
  text: string;
  /** Filter JSON text; empty for none. */
  filterJson: string;
}

export function encodeSearchRequest(request: EncodedSearch): Buffer {
  const vector = request.vector ?? new Float32Array(0);
  const text = request.text === '' ? EMPTY : Buffer.from(request.text, 'utf8');
  const filter = request.filterJson === '' ? EMPTY : Buffer.from(request.filterJson, 'utf8');
  // Every byte is written below.
  const out = Buffer.allocUnsafe(20 + 4 * vector.length + 4 + text.length + 4 + filter.length);
  out.writeUInt32LE(request.k, 0);
  out.writeUInt32LE(request.efSearch, 4);
  out.writeUInt32LE(request.flags | (request.vector === null ? 0 : SEARCH_HAS_VECTOR), 8);
  out.writeFloatLE(request.alpha, 12);
  out.writeUInt32LE(vector.length, 16);
  let at = 20;
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength), at);
    at += vector.byteLength;
  } else {
    for (let i = 0; i < vector.length; i++, at += 4) out.writeFloatLE(vector[i]!, at);
  }
  out.writeUInt32LE(text.length, at);
  out.set(text, at + 4);
  at += 4 + text.length;
  out.writeUInt32LE(filter.length, at);
  out.set(filter, at + 4);
  return out;
}

/** One result as the engine returns it. */
export interface RawSearchHit {
  score: number;
  /** NaN when the vector side was not used or did not find the document. */
  vectorScore: number;
  /** NaN when the text side was not used or did not find the document. */
  textScore: number;
  id: string;
  metadataJson: string;
  content: string | null;
  /** Null without `INCLUDE_VECTORS`. */
  vector: Float32Array | null;
}

export function decodeSearchResults(out: Buffer, count: number): RawSearchHit[] {
  const fn = 'soch_search';
  const hits: RawSearchHit[] = [];
  // A DataView reads floats faster than Buffer's readFloatLE.
  const view = new DataView(out.buffer, out.byteOffset, out.length);
  let at = 0;
  for (let i = 0; i < count; i++) {
    expectLength(out, at + 14, fn);
    const score = view.getFloat32(at, true);
    const vectorScore = view.getFloat32(at + 4, true);
    const textScore = view.getFloat32(at + 8, true);
    const idLength = view.getUint16(at + 12, true);
    at += 14;
    expectLength(out, at + idLength + 4, fn);
    const id = utf8(out, at, at + idLength);
    at += idLength;
    const metadataLength = view.getUint32(at, true);
    at += 4;
    expectLength(out, at + metadataLength + 4, fn);
    const metadataJson = utf8(out, at, at + metadataLength);
    at += metadataLength;
    const contentLength = view.getUint32(at, true);
    at += 4;
    let content: string | null = null;
    if (contentLength !== NO_CONTENT) {
      expectLength(out, at + contentLength, fn);
      content = out.toString('utf8', at, at + contentLength);
      at += contentLength;
    }
    expectLength(out, at + 4, fn);
    const dim = view.getUint32(at, true);
    at += 4;
    expectLength(out, at + 4 * dim, fn);
    let vector: Float32Array | null = null;
    if (dim > 0) {
      vector = new Float32Array(dim);
      for (let j = 0; j < dim; j++, at += 4) vector[j] = view.getFloat32(at, true);
    }
    hits.push({ score, vectorScore, textScore, id, metadataJson, content, vector });
  }
  return hits;
}
