// The byte layouts of ABI version 3 the host decodes or encodes: the manifest's file list, the
// checkpoint's files, and soch_search's request and results.
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, decodeManifestInfo } from '../../pkg-ts/src/engine/outputs.js';
import {
  decodeSearchResults,
  encodeSearchRequest,
  type RawSearchHit,
  SEARCH_EXACT,
  SEARCH_INCLUDE_VECTORS,
} from '../../pkg-ts/src/engine/search-codec.js';
import { DatabaseError } from '../../pkg-ts/src/errors.js';
import { encodeSearchResults } from './search-output-builder.js';

const u16 = (n: number): Buffer => Buffer.from([n & 0xff, n >> 8]);
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const u64 = (n: number): Buffer => Buffer.concat([u32(n % 2 ** 32), u32(Math.floor(n / 2 ** 32))]);
const name = (text: string): Buffer => Buffer.concat([u16(text.length), Buffer.from(text)]);

describe('soch_load_manifest output (version 2)', () => {
  it('lists every file by name', () => {
    const out = Buffer.concat([u64(7), u32(2), name('seg-0000000000000003.sst'), name('idx-0000000000000001.vix')]);
    expect(decodeManifestInfo(out)).toEqual({ walGeneration: 7, files: ['seg-0000000000000003.sst', 'idx-0000000000000001.vix'] });
  });

  it('refuses a short output as an ABI mismatch', () => {
    const out = Buffer.concat([u64(7), u32(1), u16(30), Buffer.from('seg-')]);
    expect(() => decodeManifestInfo(out)).toThrow(DatabaseError);
    expect(() => decodeManifestInfo(out)).toThrow(expect.objectContaining({ code: 'ABI_MISMATCH' }));
  });
});

describe('soch_checkpoint output (version 3)', () => {
  it('gives the manifest, the files to write with their engine pointers, the files to remove and the new WAL', () => {
    const header = Buffer.alloc(16, 0xab);
    const out = Buffer.concat([
      u32(3), Buffer.from('MAN'),
      u32(2), name('seg-0000000000000002.sst'), u32(1), u32(1000), u32(50),
      name('idx-0000000000000002.vix'), u32(2), u32(2000), u32(60), u32(3000), u32(8),
      u32(1), name('seg-0000000000000001.sst'),
      u64(4), header,
    ]);
    expect(decodeCheckpoint(out)).toEqual({
      manifest: Buffer.from('MAN'),
      writes: [
        { name: 'seg-0000000000000002.sst', pieces: [{ ptr: 1000, len: 50 }] },
        { name: 'idx-0000000000000002.vix', pieces: [{ ptr: 2000, len: 60 }, { ptr: 3000, len: 8 }] },
      ],
      removes: ['seg-0000000000000001.sst'],
      walGeneration: 4,
      walHeader: header,
    });
  });
});

describe('soch_search request', () => {
  it('is the documented byte sequence', () => {
    const bytes = encodeSearchRequest({
      k: 10, efSearch: 0, flags: SEARCH_INCLUDE_VECTORS | SEARCH_EXACT, alpha: 0.5,
      vector: Float32Array.of(1, -2), text: 'hé', filterJson: '{"a":1}',
    });
    const expected = Buffer.concat([
      u32(10), u32(0), u32(1 | 2 | 8), Buffer.from(Float32Array.of(0.5).buffer), u32(2),
      Buffer.from(Float32Array.of(1, -2).buffer), u32(3), Buffer.from('hé'), u32(7), Buffer.from('{"a":1}'),
    ]);
    expect(bytes.toString('hex')).toBe(expected.toString('hex'));
  });

  it('has no vector flag and dimension 0 for a text-only search', () => {
    const bytes = encodeSearchRequest({ k: 1, efSearch: 32, flags: 0, alpha: 0.5, vector: null, text: 'q', filterJson: '' });
    expect(bytes.readUInt32LE(8)).toBe(0);
    expect(bytes.readUInt32LE(16)).toBe(0);
    expect(bytes.length).toBe(20 + 4 + 1 + 4);
  });
});

describe('soch_search results', () => {
  it('decode what the engine encodes: scores, id, metadata, content or none, vector or none', () => {
    const hits: RawSearchHit[] = [
      { score: 0.75, vectorScore: 0.75, textScore: Number.NaN, id: 'doc-é', metadataJson: '{"a":[1,2]}', content: 'text', vector: Float32Array.of(1, 2, 3) },
      { score: -4, vectorScore: Number.NaN, textScore: 2.5, id: 'x', metadataJson: '{}', content: null, vector: null },
      { score: 1, vectorScore: 1, textScore: 1, id: 'y', metadataJson: '{}', content: '', vector: null },
      // Long and non-ASCII text takes the native decoder, short ASCII the JS one: both must agree.
      { score: 0, vectorScore: 0, textScore: 0, id: 'id-'.repeat(20), metadataJson: '{"t":"日本語"}', content: null, vector: null },
    ];
    expect(decodeSearchResults(encodeSearchResults(hits), 4)).toEqual(hits);
  });

  it('refuse an output shorter than its count says', () => {
    const one = encodeSearchResults([{ score: 1, vectorScore: 1, textScore: 1, id: 'a', metadataJson: '{}', content: null, vector: null }]);
    expect(() => decodeSearchResults(one, 2)).toThrow(expect.objectContaining({ code: 'ABI_MISMATCH' }));
    expect(() => decodeSearchResults(one.subarray(0, one.length - 1), 1)).toThrow(DatabaseError);
  });
});
