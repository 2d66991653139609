/**
 * A collection's configuration: validating what users pass, filling defaults, and the collection
 * record stored under its `c` key (JSON; the engine reads `dimension`, `metric`, `m`,
 * `efConstruction`, `efSearch`, `quantization`, `textField` and ignores the other members).
 * Limits mirror the engine's `vector/config.rs`. Internal.
 */
import type { CollectionConfig, CollectionInfo, CollectionOptions, Quantization } from './collection-types.js';
import { isDistanceMetric } from './distance-metric.js';
import { CorruptionError, InvalidArgumentError } from './errors.js';
import { RECORD_DIM_MAX } from './doc-record.js';
import { validateName } from './reserved-keys.js';

export const DEFAULT_M = 16;
export const DEFAULT_EF_CONSTRUCTION = 200;
export const DEFAULT_EF_SEARCH = 64;
export const HNSW_M_MIN = 2;
export const HNSW_M_MAX = 128;
/** Largest `efConstruction`, `efSearch` and search `k`. */
export const HNSW_EF_MAX = 8192;
const QUANTIZATIONS: readonly Quantization[] = ['auto', 'bf16', 'none', 'int8'];

/** Validates `config` and fills its defaults. Throws `InvalidArgumentError` naming the bad option. */
export function resolveCollectionConfig(config: CollectionConfig, createdAt: number): CollectionInfo {
  if (config === null || typeof config !== 'object') {
    throw new InvalidArgumentError("createCollection takes a config object, e.g. { name: 'docs', dimension: 384 }.");
  }
  validateName('collection', config.name);
  const metric = config.metric ?? 'cosine';
  if (!isDistanceMetric(metric)) {
    throw new InvalidArgumentError(`metric ${JSON.stringify(metric)} is not one of 'cosine', 'l2', 'dot' (see DistanceMetric).`);
  }
  const quantization = config.quantization ?? 'auto';
  if (!QUANTIZATIONS.includes(quantization)) {
    throw new InvalidArgumentError(`quantization ${JSON.stringify(quantization)} is not one of ${QUANTIZATIONS.map((q) => `'${q}'`).join(', ')}.`);
  }
  const textField = config.textField ?? null;
  if (textField !== null && (typeof textField !== 'string' || textField.length === 0)) {
    throw new InvalidArgumentError('textField must be a non-empty metadata field name, or null.');
  }
  return {
    name: config.name,
    dimension: integerIn('dimension', config.dimension, 1, RECORD_DIM_MAX, undefined),
    metric,
    m: integerIn('m', config.m, HNSW_M_MIN, HNSW_M_MAX, DEFAULT_M),
    efConstruction: integerIn('efConstruction', config.efConstruction, 1, HNSW_EF_MAX, DEFAULT_EF_CONSTRUCTION),
    efSearch: integerIn('efSearch', config.efSearch, 1, HNSW_EF_MAX, DEFAULT_EF_SEARCH),
    quantization,
    textField,
    createdAt,
  };
}

/** `createCollection(name, options)` as `createCollection(config)`. */
export function configOf(nameOrConfig: string | CollectionConfig, options?: CollectionOptions): CollectionConfig {
  if (typeof nameOrConfig === 'string') {
    if (options === undefined || options === null || typeof options !== 'object') {
      throw new InvalidArgumentError(`createCollection('${nameOrConfig}', options) needs options with a dimension, e.g. { dimension: 384 }.`);
    }
    return { ...options, name: nameOrConfig };
  }
  return nameOrConfig;
}

/** An integer option in `[min, max]`; `fallback` when absent (undefined: required). */
export function integerIn(what: string, value: unknown, min: number, max: number, fallback: number | undefined): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`${what} must be an integer from ${min} to ${max}, got ${String(value)}.`);
  }
  return value;
}

export function encodeCollectionRecord(info: CollectionInfo): Buffer {
  return Buffer.from(JSON.stringify(info), 'utf8');
}

/** Parses a stored collection record (written by `encodeCollectionRecord`). */
export function decodeCollectionRecord(bytes: Buffer): CollectionInfo {
  try {
    const r = JSON.parse(bytes.toString('utf8')) as Partial<CollectionInfo>;
    return {
      name: String(r.name),
      dimension: Number(r.dimension),
      metric: r.metric ?? 'cosine',
      m: r.m ?? DEFAULT_M,
      efConstruction: r.efConstruction ?? DEFAULT_EF_CONSTRUCTION,
      efSearch: r.efSearch ?? DEFAULT_EF_SEARCH,
      quantization: r.quantization ?? 'none',
      textField: r.textField ?? null,
      createdAt: Number(r.createdAt ?? 0),
    };
  } catch (e) {
    throw new CorruptionError(`A stored collection record is not JSON (${(e as Error).message}).`, 'CORRUPTION', { cause: e });
  }
}
