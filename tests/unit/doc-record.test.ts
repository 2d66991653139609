// The document record codec, pinned to the engine's src/doc/record.rs (the same cases as its
// record_tests.rs): exact layout, round trips, every truncation, damage, and the encoder's checks.
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SIZE_MAX,
  decodeRecord,
  encodedLength,
  encodeRecord,
  FLAG_HAS_CONTENT,
  METADATA_SIZE_MAX,
  RECORD_DIM_MAX,
  RECORD_FORMAT_VERSION,
} from '../../pkg-ts/src/doc-record.js';
import { CorruptionError, DatabaseError, InvalidArgumentError } from '../../pkg-ts/src/errors.js';

const f32 = (...xs: number[]): Float32Array => Float32Array.from(xs);
const json = (text: string): Buffer => Buffer.from(text, 'utf8');
const le32 = (x: number): number[] => [...Buffer.from(f32(x).buffer)];

describe('document record', () => {
  it('is the documented byte sequence', () => {
    const bytes = encodeRecord(f32(1.0, -2.5), json('{}'), 'hi');
    expect([...bytes]).toEqual([
      RECORD_FORMAT_VERSION, 2, 0, 0, 0, ...le32(1.0), ...le32(-2.5),
      2, 0, 0, 0, 0x7b, 0x7d, 2, 0, 0, 0, 0x68, 0x69, FLAG_HAS_CONTENT,
    ]);
    expect(bytes.length).toBe(encodedLength(2, 2, 2));
  });

  it('round-trips with content, empty content and none', () => {
    const vector = f32(0.5, -0, 3.25e-8, 3.4028234663852886e38, -1.0);
    for (const content of ['some text é', '', null]) {
      const record = decodeRecord(encodeRecord(vector, json('{"a":1}'), content));
      expect(record.vector).toEqual(vector);
      expect(Object.is(record.vector[1], -0)).toBe(true);
      expect(record.metadataJson.toString()).toBe('{"a":1}');
      expect(record.content).toBe(content);
    }
  });

  it('decodes from unaligned bytes', () => {
    const bytes = encodeRecord(f32(1, 2, 3), json('{}'), null);
    const shifted = Buffer.concat([Buffer.of(0xaa), bytes]).subarray(1);
    expect(Array.from(decodeRecord(shifted).vector)).toEqual([1, 2, 3]);
  });

  it('reports every truncation as TRUNCATED', () => {
    const bytes = encodeRecord(f32(1, 2), json('{"k":"v"}'), 'body');
    for (let end = 0; end < bytes.length; end++) {
      expect(() => decodeRecord(bytes.subarray(0, end)), `at ${end}`).toThrow(expect.objectContaining({ code: 'TRUNCATED' }));
    }
  });

  it('reports damage as corruption and another version as unsupported', () => {
    const good = encodeRecord(f32(1, 2), json('{}'), null);
    const damaged = (at: number, byte: number): Buffer => {
      const copy = Buffer.from(good);
      copy[at] = byte;
      return copy;
    };
    expect(() => decodeRecord(damaged(0, 2))).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_FORMAT' }));
    expect(() => decodeRecord(damaged(0, 2))).toThrow(DatabaseError);
    expect(() => decodeRecord(damaged(1, 0))).toThrow(/dimension 0/);
    expect(() => decodeRecord(damaged(good.length - 1, 2))).toThrow(/invalid flags 0x02/);
    expect(() => decodeRecord(Buffer.concat([good, Buffer.of(0)]))).toThrow(/1 trailing bytes/);
    const nan = Buffer.from(good);
    nan.writeFloatLE(Number.NaN, 5);
    expect(() => decodeRecord(nan)).toThrow(CorruptionError);
    const badUtf8 = encodeRecord(f32(1), json('{}'), 'ab');
    badUtf8[badUtf8.length - 2] = 0xff;
    expect(() => decodeRecord(badUtf8)).toThrow(/not UTF-8/);
  });

  it('refuses bad vectors and oversized parts when encoding', () => {
    const expectInvalid = (f: () => unknown, code: string, message: RegExp): void => {
      let error: unknown;
      try {
        f();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ code });
      expect((error as Error).message).toMatch(message);
    };
    expectInvalid(() => encodeRecord(f32(), json('{}'), null), 'INVALID_VECTOR', /dimension 0 is out of range: use 1 to 4096/);
    expectInvalid(() => encodeRecord(new Float32Array(RECORD_DIM_MAX + 1), json('{}'), null), 'INVALID_VECTOR', /4097/);
    expectInvalid(() => encodeRecord(f32(1, Number.NaN), json('{}'), null), 'INVALID_VECTOR', /vector value 1 is NaN/);
    expectInvalid(() => encodeRecord(f32(Infinity), json('{}'), null), 'INVALID_VECTOR', /must be finite/);
    expectInvalid(() => encodeRecord(f32(1), Buffer.alloc(METADATA_SIZE_MAX + 1), null), 'VALUE_TOO_LARGE', /metadata is 65537 bytes/);
    expectInvalid(() => encodeRecord(f32(1), json('{}'), 'x'.repeat(CONTENT_SIZE_MAX + 1)), 'VALUE_TOO_LARGE', /content/);
    expect(encodeRecord(new Float32Array(RECORD_DIM_MAX).fill(1), Buffer.alloc(METADATA_SIZE_MAX, 0x20), null).length).toBe(
      encodedLength(RECORD_DIM_MAX, METADATA_SIZE_MAX, 0),
    );
  });
});
