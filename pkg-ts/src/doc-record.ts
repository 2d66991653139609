/**
 * The document record: the value stored under a document key (`reserved-keys.ts`). A mirror of
 * the engine's `src/doc/record.rs`, which is a storage contract: change both together.
 *
 * ```text
 * offset         size    field
 * 0              1       format version, u8 = RECORD_FORMAT_VERSION
 * 1              4       dimension d, u32 LE, 1..=RECORD_DIM_MAX
 * 5              4*d     vector: d × f32 LE, each finite
 * 5+4d           4       metadata length m, u32 LE, <= METADATA_SIZE_MAX
 * 9+4d           m       metadata: compact JSON object text (UTF-8)
 * 9+4d+m         4       content length c, u32 LE, <= CONTENT_SIZE_MAX
 * 13+4d+m        c       content: UTF-8 text for BM25
 * 13+4d+m+c      1       flags: bit 0 FLAG_HAS_CONTENT; other bits zero
 * 14+4d+m+c              end: no trailing bytes
 * ```
 * `FLAG_HAS_CONTENT` tells "no content" (c = 0, flag clear) from empty content (flag set).
 */
import { CorruptionError, DatabaseError, InvalidArgumentError } from './errors.js';

/** The version written in byte 0; decoders refuse others. */
export const RECORD_FORMAT_VERSION = 1;
/** Flags bit: the document has content (possibly empty). */
export const FLAG_HAS_CONTENT = 1;
/** Largest vector dimension (`RECORD_DIM_MAX`, equal to the engine's `VECTOR_DIM_MAX`). */
export const RECORD_DIM_MAX = 4096;
/** Longest metadata JSON of one document, in bytes. */
export const METADATA_SIZE_MAX = 64 * 1024;
/** Longest content text of one document, in UTF-8 bytes. */
export const CONTENT_SIZE_MAX = 16 * 1024 * 1024;

/** A decoded record. `vector` is a copy; `metadataJson` is a view of the decoded bytes. */
export interface DocRecord {
  vector: Float32Array;
  metadataJson: Buffer;
  content: string | null;
}

/** Bytes `encodeRecord` produces for these part sizes. */
export function encodedLength(dimension: number, metadataLength: number, contentLength: number): number {
  return 1 + 4 + 4 * dimension + 4 + metadataLength + 4 + contentLength + 1;
}

/**
 * Encodes a record after checking every part. Throws `InvalidArgumentError`: code
 * `INVALID_VECTOR` for a dimension outside 1..=RECORD_DIM_MAX or a non-finite value,
 * `VALUE_TOO_LARGE` for metadata or content over their limits.
 */
export function encodeRecord(vector: Float32Array, metadataJson: Uint8Array, content: string | null): Buffer {
  if (vector.length === 0 || vector.length > RECORD_DIM_MAX) {
    throw new InvalidArgumentError(`vector dimension ${vector.length} is out of range: use 1 to ${RECORD_DIM_MAX}`, 'INVALID_VECTOR');
  }
  const bad = vector.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) {
    throw new InvalidArgumentError(`vector value ${bad} is ${vector[bad]}: vectors must be finite`, 'INVALID_VECTOR');
  }
  const contentBytes = content === null ? EMPTY : Buffer.from(content, 'utf8');
  checkSize('metadata', metadataJson.length, METADATA_SIZE_MAX);
  checkSize('content', contentBytes.length, CONTENT_SIZE_MAX);
  const d = vector.length;
  const out = Buffer.allocUnsafe(encodedLength(d, metadataJson.length, contentBytes.length));
  out[0] = RECORD_FORMAT_VERSION;
  out.writeUInt32LE(d, 1);
  for (let i = 0; i < d; i++) out.writeFloatLE(vector[i]!, 5 + 4 * i);
  let at = 5 + 4 * d;
  out.writeUInt32LE(metadataJson.length, at);
  out.set(metadataJson, at + 4);
  at += 4 + metadataJson.length;
  out.writeUInt32LE(contentBytes.length, at);
  out.set(contentBytes, at + 4);
  at += 4 + contentBytes.length;
  out[at] = content === null ? 0 : FLAG_HAS_CONTENT;
  return out;
}

const EMPTY = Buffer.alloc(0);

function checkSize(what: string, length: number, max: number): void {
  if (length > max) {
    throw new InvalidArgumentError(`document ${what} is ${length} bytes, over the limit of ${max}`, 'VALUE_TOO_LARGE');
  }
}

/**
 * Decodes a record. Throws `CorruptionError` (`TRUNCATED` when the bytes end inside a field,
 * `CORRUPTION` for out-of-range lengths, non-finite values, invalid UTF-8 content, unknown flags
 * or trailing bytes) and `DatabaseError` (`UNSUPPORTED_FORMAT`) for another format version.
 */
export function decodeRecord(bytes: Buffer): DocRecord {
  const r = new Reader(bytes);
  const version = r.take(1)[0]!;
  if (version !== RECORD_FORMAT_VERSION) {
    throw new DatabaseError(
      `document record has format version ${version}, this package reads ${RECORD_FORMAT_VERSION}: upgrade @sochdb/sochdb`,
      'UNSUPPORTED_FORMAT',
    );
  }
  const dimension = r.u32();
  if (dimension === 0 || dimension > RECORD_DIM_MAX) {
    throw new CorruptionError(`document record has dimension ${dimension}, outside 1..=${RECORD_DIM_MAX}`);
  }
  const vectorBytes = r.take(4 * dimension);
  const metadataLength = r.u32();
  if (metadataLength > METADATA_SIZE_MAX) throw new CorruptionError(`document record metadata length ${metadataLength} is over the limit`);
  const metadataJson = r.take(metadataLength);
  const contentLength = r.u32();
  if (contentLength > CONTENT_SIZE_MAX) throw new CorruptionError(`document record content length ${contentLength} is over the limit`);
  const contentBytes = r.take(contentLength);
  const flags = r.take(1)[0]!;
  if (r.at !== bytes.length) throw new CorruptionError(`document record has ${bytes.length - r.at} trailing bytes`);
  if ((flags & ~FLAG_HAS_CONTENT) !== 0 || ((flags & FLAG_HAS_CONTENT) === 0 && contentLength !== 0)) {
    throw new CorruptionError(`document record has invalid flags 0x${flags.toString(16).padStart(2, '0')}`);
  }
  let content: string | null = null;
  if ((flags & FLAG_HAS_CONTENT) !== 0) {
    try {
      content = strictUtf8.decode(contentBytes);
    } catch {
      throw new CorruptionError('document record content is not UTF-8');
    }
  }
  const vector = new Float32Array(dimension);
  for (let i = 0; i < dimension; i++) vector[i] = vectorBytes.readFloatLE(4 * i);
  if (!vector.every(Number.isFinite)) throw new CorruptionError('document record vector holds a non-finite value');
  return { vector, metadataJson, content };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

class Reader {
  readonly #bytes: Buffer;
  at = 0;

  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }

  take(n: number): Buffer {
    if (this.#bytes.length - this.at < n) throw new CorruptionError('document record is truncated', 'TRUNCATED');
    const out = this.#bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  u32(): number {
    return this.take(4).readUInt32LE(0);
  }
}
