import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../pkg-ts/src/errors.js';
import { decodePath, encodePath } from '../../pkg-ts/src/path.js';

describe('path keys', () => {
  it('encode the guide wire format: count u16 LE, then length u16 LE + UTF-8 per segment', () => {
    expect([...encodePath('users/alice/email')]).toEqual([
      3, 0, 5, 0, ...Buffer.from('users'), 5, 0, ...Buffer.from('alice'), 5, 0, ...Buffer.from('email'),
    ]);
  });

  it('encode a single segment', () => {
    expect([...encodePath('a')]).toEqual([1, 0, 1, 0, 0x61]);
  });

  it('measure segments in UTF-8 bytes, not characters', () => {
    const key = encodePath('café/😀');
    expect(key.readUInt16LE(2)).toBe(5);
    expect(key.readUInt16LE(2 + 2 + 5)).toBe(4);
    expect(decodePath(key)).toBe('café/😀');
  });

  it('round-trip through decodePath', () => {
    for (const path of ['a', 'users/alice/settings/theme', 'x/y/z/1/2/3']) expect(decodePath(encodePath(path))).toBe(path);
  });

  it.each(['', '/a', 'a/', 'a//b', '/'])('reject %j, which has an empty segment', (path) => {
    expect(() => encodePath(path)).toThrow(InvalidArgumentError);
    try {
      encodePath(path);
    } catch (e) {
      expect((e as InvalidArgumentError).code).toBe('INVALID_PATH');
    }
  });

  it('reject a segment longer than 65535 bytes', () => {
    expect(() => encodePath(`a/${'x'.repeat(65_536)}`)).toThrow(/65535/);
    expect(encodePath('x'.repeat(65_535)).length).toBe(2 + 2 + 65_535);
  });

  it('reject non-strings', () => {
    expect(() => encodePath(42 as unknown as string)).toThrow(InvalidArgumentError);
  });

  it('decodePath rejects bytes that are not a path key', () => {
    for (const bad of [[], [1], [1, 0, 5, 0, 0x61], [1, 0, 1, 0, 0x61, 0x62], [0, 0]]) {
      expect(() => decodePath(Uint8Array.from(bad))).toThrow(InvalidArgumentError);
    }
  });
});
