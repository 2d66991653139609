/**
 * The path API's key encoding (the guide's wire format, SochDB >= 0.2.6):
 * `[segment_count u16 LE] ([segment_length u16 LE] [segment UTF-8])*`.
 *
 * Path keys start with a binary count, so they form their own key space: `putPath('a/b', v)` is
 * not visible as `get(Buffer.from('a/b'))`, and a plain-key `scan` over text prefixes does not
 * meet path keys.
 */
import { InvalidArgumentError } from './errors.js';

const U16_MAX = 0xffff;

/** Encodes `'users/alice/email'` as a path key. Segments must be non-empty. */
export function encodePath(path: string): Buffer {
  if (typeof path !== 'string') {
    throw new InvalidArgumentError(`A path must be a string like 'users/alice/email', got ${typeof path}.`, 'INVALID_PATH');
  }
  const segments = path.split('/');
  if (segments.length > U16_MAX) {
    throw new InvalidArgumentError(`A path has at most ${U16_MAX} segments; this one has ${segments.length}.`, 'INVALID_PATH');
  }
  const encoded = segments.map((segment, i) => {
    if (segment.length === 0) {
      throw new InvalidArgumentError(
        `Path '${path}' has an empty segment (#${i + 1}): use non-empty names separated by single '/', with no leading or trailing '/'.`,
        'INVALID_PATH',
      );
    }
    const bytes = Buffer.from(segment, 'utf8');
    if (bytes.length > U16_MAX) {
      throw new InvalidArgumentError(`Path segment #${i + 1} is ${bytes.length} bytes of UTF-8; at most ${U16_MAX} are allowed.`, 'INVALID_PATH');
    }
    return bytes;
  });
  const key = Buffer.allocUnsafe(2 + encoded.reduce((sum, bytes) => sum + 2 + bytes.length, 0));
  key.writeUInt16LE(encoded.length, 0);
  let at = 2;
  for (const bytes of encoded) {
    key.writeUInt16LE(bytes.length, at);
    key.set(bytes, at + 2);
    at += 2 + bytes.length;
  }
  return key;
}

/** Decodes a path key back to `'a/b/c'`; throws `InvalidArgumentError` if it is not one. */
export function decodePath(key: Uint8Array): string {
  const buf = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  const fail = (): never => {
    throw new InvalidArgumentError('This key is not a path key (see encodePath).', 'INVALID_PATH');
  };
  if (buf.length < 2) fail();
  const count = buf.readUInt16LE(0);
  const segments: string[] = [];
  let at = 2;
  for (let i = 0; i < count; i++) {
    if (at + 2 > buf.length) fail();
    const length = buf.readUInt16LE(at);
    if (length === 0 || at + 2 + length > buf.length) fail();
    segments.push(buf.toString('utf8', at + 2, at + 2 + length));
    at += 2 + length;
  }
  if (at !== buf.length || count === 0) fail();
  return segments.join('/');
}
