/** Builds `soch_search` outputs as the engine would, for tests of the decoder. */
import type { RawSearchHit } from '../../pkg-ts/src/engine/search-codec.js';

const NO_CONTENT = 0xffff_ffff;

export function encodeSearchResults(hits: RawSearchHit[]): Buffer {
  const parts: Buffer[] = [];
  for (const hit of hits) {
    const head = Buffer.alloc(14);
    head.writeFloatLE(hit.score, 0);
    head.writeFloatLE(hit.vectorScore, 4);
    head.writeFloatLE(hit.textScore, 8);
    const id = Buffer.from(hit.id, 'utf8');
    head.writeUInt16LE(id.length, 12);
    const metadata = Buffer.from(hit.metadataJson, 'utf8');
    const content = hit.content === null ? null : Buffer.from(hit.content, 'utf8');
    const vector = hit.vector ?? new Float32Array(0);
    const tail = Buffer.alloc(4 + 4 * vector.length);
    tail.writeUInt32LE(vector.length, 0);
    vector.forEach((x, j) => tail.writeFloatLE(x, 4 + 4 * j));
    parts.push(head, id, u32(metadata.length), metadata, u32(content === null ? NO_CONTENT : content.length));
    if (content !== null) parts.push(content);
    parts.push(tail);
  }
  return Buffer.concat(parts);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
}
