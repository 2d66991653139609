// Input checks that run before anything reaches the engine: collection options, vectors,
// metadata and search requests. A bad input throws a typed error naming what is wrong.
import { describe, expect, it } from 'vitest';
import { configOf, resolveCollectionConfig } from '../../pkg-ts/src/collection-config.js';
import type { CollectionInfo } from '../../pkg-ts/src/collection-types.js';
import { decodeRecord } from '../../pkg-ts/src/doc-record.js';
import { metadataJson, prepareDocument, toVector } from '../../pkg-ts/src/document-input.js';
import { SEARCH_EXACT, SEARCH_FUSION_RRF, SEARCH_INCLUDE_VECTORS } from '../../pkg-ts/src/engine/search-codec.js';
import { DimensionMismatchError, InvalidArgumentError } from '../../pkg-ts/src/errors.js';
import { DistanceMetric } from '../../pkg-ts/src/index.js';
import { documentKey } from '../../pkg-ts/src/reserved-keys.js';
import { encodeSearch } from '../../pkg-ts/src/search-request.js';

const info = (dimension = 3, metric: CollectionInfo['metric'] = 'cosine'): CollectionInfo =>
  resolveCollectionConfig({ name: 'c', dimension, metric }, 0);

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('collection options', () => {
  it('fill hnswlib-style defaults', () => {
    expect(resolveCollectionConfig({ name: 'docs', dimension: 384 }, 5)).toEqual({
      name: 'docs', dimension: 384, metric: 'cosine', m: 16, efConstruction: 200, efSearch: 64,
      quantization: 'auto', textField: null, createdAt: 5,
    });
  });

  it('accept the name-and-options form', () => {
    expect(configOf('embeddings', { dimension: 768 })).toEqual({ name: 'embeddings', dimension: 768 });
  });

  it.each([
    [{ name: 'c', dimension: 0 }, /dimension must be an integer from 1 to 4096, got 0/],
    [{ name: 'c', dimension: 4097 }, /dimension/],
    [{ name: 'c', dimension: 2.5 }, /dimension/],
    [{ name: 'c' }, /dimension must be an integer from 1 to 4096, got undefined/],
    [{ name: 'c', dimension: 3, m: 1 }, /m must be an integer from 2 to 128/],
    [{ name: 'c', dimension: 3, efConstruction: 0 }, /efConstruction/],
    [{ name: 'c', dimension: 3, efSearch: 8193 }, /efSearch/],
    [{ name: 'c', dimension: 3, metric: 'manhattan' }, /metric "manhattan" is not one of/],
    [{ name: 'c', dimension: 3, quantization: 'pq' }, /quantization/],
    [{ name: 'bad name', dimension: 3 }, /contains " "/],
  ])('refuse %j', (config, message) => {
    const error = thrown(() => resolveCollectionConfig(config as never, 0));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(message);
  });

  it('name the metrics by the strings the engine stores', () => {
    expect(DistanceMetric).toEqual({ COSINE: 'cosine', EUCLIDEAN: 'l2', L2: 'l2', DOT: 'dot' });
  });
});

describe('vectors', () => {
  it('become Float32Arrays of the collection dimension', () => {
    expect(toVector([1, 2, 3], info())).toEqual(Float32Array.of(1, 2, 3));
    expect(toVector(Float32Array.of(1, 2, 3), info())).toEqual(Float32Array.of(1, 2, 3));
  });

  it('of another length throw DimensionMismatchError (DIMENSION_MISMATCH)', () => {
    const error = thrown(() => toVector([1, 2], info()));
    expect(error).toBeInstanceOf(DimensionMismatchError);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: 'DIMENSION_MISMATCH', expected: 3, actual: 2 });
  });

  it.each([
    [[1, Number.NaN, 3], /vector\[1\] is NaN/],
    [[1, Infinity, 3], /vector\[1\] is Infinity/],
    [[1, 1e39, 3], /vector\[1\] is 1e\+39: vector values must be finite 32-bit floats/],
    [[1, '2', 3], /vector\[1\] is string/],
    [[0, 0, 0], /all zeros/],
  ])('refuse %j with INVALID_VECTOR', (vector, message) => {
    const error = thrown(() => toVector(vector as number[], info()));
    expect(error).toMatchObject({ code: 'INVALID_VECTOR' });
    expect((error as Error).message).toMatch(message);
  });

  it('may be all zeros under l2 and dot', () => {
    expect(toVector([0, 0, 0], info(3, 'l2'))).toEqual(new Float32Array(3));
  });
});

describe('documents', () => {
  it('encode to a record under their document key, with a random UUID when no id is given', () => {
    const doc = prepareDocument('ns', info(), { vector: [1, 0, 0], metadata: { a: 1 }, content: 'hi' });
    expect(doc.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(doc.key).toEqual(documentKey('ns', 'c', doc.id));
    const record = decodeRecord(doc.record);
    expect(record.metadataJson.toString()).toBe('{"a":1}');
    expect(record.content).toBe('hi');
  });

  it('refuse metadata that is not a JSON object', () => {
    expect(metadataJson(undefined).toString()).toBe('{}');
    expect(() => metadataJson([1] as never)).toThrow(/must be a JSON object/);
    expect(() => metadataJson({ n: 1n })).toThrow(/cannot be stored as JSON/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => metadataJson(cyclic)).toThrow(InvalidArgumentError);
  });
});

describe('search requests', () => {
  it('encode vector, text, filter and flags', () => {
    const req = encodeSearch({ vector: [1, 0, 0], textQuery: 'q', k: 5, filter: { a: 1 }, fusion: 'rrf', includeVectors: true, exact: true, efSearch: 99 }, info());
    expect(req).toEqual({
      k: 5, efSearch: 99, flags: SEARCH_FUSION_RRF | SEARCH_INCLUDE_VECTORS | SEARCH_EXACT, alpha: 0.5,
      vector: Float32Array.of(1, 0, 0), text: 'q', filterJson: '{"a":1}',
    });
  });

  it('with alpha 1 run the vector side only, with alpha 0 the text side only', () => {
    expect(encodeSearch({ vector: [1, 0, 0], textQuery: 'q', k: 1, alpha: 1 }, info())).toMatchObject({ text: '', vector: Float32Array.of(1, 0, 0) });
    expect(encodeSearch({ vector: [1, 0, 0], textQuery: 'q', k: 1, alpha: 0 }, info())).toMatchObject({ text: 'q', vector: null });
  });

  it.each([
    [{ k: 1 }, /needs a vector, a textQuery, or both/],
    [{ vector: [1, 0, 0], k: 0 }, /k must be an integer from 1 to 8192/],
    [{ vector: [1, 0, 0], k: 1, alpha: 1.5 }, /alpha must be a number from 0 to 1/],
    [{ vector: [1, 0, 0], k: 1, fusion: 'max' }, /fusion must be 'linear' or 'rrf'/],
    [{ vector: [1, 0, 0], k: 1, filter: [1] }, /filter must be an object/],
    [{ vector: [1, 0], k: 1 }, /search vector has 2 values/],
  ])('refuse %j', (request, message) => {
    expect(() => encodeSearch(request as never, info())).toThrow(message);
  });
});
