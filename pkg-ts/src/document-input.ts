/**
 * Turns what users pass to `insert`/`upsert`/`search` into checked engine inputs: vectors of the
 * collection's dimension as `Float32Array`s, metadata as JSON text, and encoded document records.
 * Everything is checked before anything is written. Internal.
 */
import type { CollectionInfo, InsertRequest, Metadata, VectorInput } from './collection-types.js';
import { encodeRecord } from './doc-record.js';
import { DimensionMismatchError, InvalidArgumentError } from './errors.js';
import { documentKey, validateDocId } from './reserved-keys.js';

const F32_MAX = 3.4028234663852886e38;

/** A document ready to write. */
export interface PreparedDocument {
  id: string;
  key: Buffer;
  record: Buffer;
}

/**
 * `input` as a `Float32Array` of the collection's dimension. Throws `DimensionMismatchError` for
 * another length and `InvalidArgumentError` (`INVALID_VECTOR`) for a non-number, a value that is
 * not finite as a 32-bit float (NaN, ±Infinity, beyond ±3.4e38), or a zero vector under cosine.
 */
export function toVector(input: VectorInput, info: CollectionInfo, what = 'vector'): Float32Array {
  const isArrayLike = Array.isArray(input) || ArrayBuffer.isView(input);
  if (!isArrayLike || input instanceof DataView) {
    throw new InvalidArgumentError(`${what} must be an array of numbers or a Float32Array.`, 'INVALID_VECTOR');
  }
  if (input.length !== info.dimension) {
    throw new DimensionMismatchError(
      info.dimension,
      input.length,
      `${what} has ${input.length} values, but collection '${info.name}' has dimension ${info.dimension}. Nothing was written.`,
    );
  }
  const vector = new Float32Array(info.dimension);
  if (input instanceof Float32Array) {
    vector.set(input); // already 32-bit floats: one copy
  } else {
    for (let i = 0; i < vector.length; i++) {
      const x = input[i];
      if (typeof x !== 'number') {
        throw new InvalidArgumentError(`${what}[${i}] is ${typeof x}, not a number.`, 'INVALID_VECTOR');
      }
      vector[i] = x;
    }
  }
  // One pass checks every value and sums the squares (the cosine check below).
  let norm2 = 0;
  for (let i = 0; i < vector.length; i++) {
    const x = vector[i]!;
    if (!Number.isFinite(x)) {
      throw new InvalidArgumentError(`${what}[${i}] is ${input[i]}: vector values must be finite 32-bit floats.`, 'INVALID_VECTOR');
    }
    norm2 += x * x;
  }
  if (info.metric === 'cosine') {
    // The engine normalises cosine vectors with a 32-bit squared norm: it must be non-zero and finite.
    if (norm2 === 0) {
      throw new InvalidArgumentError(`${what} is all zeros, which has no direction for the cosine metric.`, 'INVALID_VECTOR');
    }
    if (norm2 > F32_MAX) {
      throw new InvalidArgumentError(`${what} is too large to normalise for the cosine metric (its squared norm overflows a 32-bit float).`, 'INVALID_VECTOR');
    }
  }
  return vector;
}

/** Metadata as compact JSON object text; absent metadata is `{}`. */
export function metadataJson(metadata: Metadata | undefined, what = 'metadata'): Buffer {
  if (metadata === undefined || metadata === null) return Buffer.from('{}');
  if (typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new InvalidArgumentError(`${what} must be a JSON object (e.g. { source: 'web' }), got ${Array.isArray(metadata) ? 'an array' : typeof metadata}.`);
  }
  let text: string;
  try {
    text = JSON.stringify(metadata);
  } catch (e) {
    throw new InvalidArgumentError(`${what} cannot be stored as JSON: ${(e as Error).message}.`);
  }
  return Buffer.from(text, 'utf8');
}

/** Checks one document and encodes it under `namespace`/`info`. */
export function prepareDocument(namespace: string, info: CollectionInfo, request: InsertRequest, what = 'document'): PreparedDocument {
  if (request === null || typeof request !== 'object') {
    throw new InvalidArgumentError(`${what} must be an object like { vector, metadata?, id?, content? }.`);
  }
  const id = request.id ?? crypto.randomUUID();
  validateDocId(id);
  const content = request.content ?? null;
  if (content !== null && typeof content !== 'string') {
    throw new InvalidArgumentError(`${what}.content must be a string, got ${typeof content}.`);
  }
  const vector = toVector(request.vector, info, `${what}.vector`);
  const record = encodeRecord(vector, metadataJson(request.metadata, `${what}.metadata`), content);
  return { id, key: documentKey(namespace, info.name, id), record };
}
