// The reserved key layout, pinned byte for byte to the engine's src/doc/keys.rs (the same cases as
// its keys_tests.rs), plus the name rules and the scan split that keeps user scans out of it.
import { describe, expect, it } from 'vitest';
import { CorruptionError, InvalidArgumentError } from '../../pkg-ts/src/errors.js';
import {
  collectionKey,
  collectionsRange,
  documentKey,
  documentsRange,
  isReserved,
  namespaceDocumentsRange,
  namespaceKey,
  namespacesRange,
  parseCollectionKey,
  parseDocumentKey,
  parseNamespaceKey,
  rangeContains,
  reservedRange,
  userScanRanges,
  validateDocId,
  validateName,
} from '../../pkg-ts/src/reserved-keys.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');
const hex = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('hex'));

describe('reserved keys', () => {
  it('are the documented bytes', () => {
    expect(namespaceKey('ns')).toEqual(bytes('\x00soch\x00nns'));
    expect(collectionKey('ns', 'col')).toEqual(bytes('\x00soch\x00cns\x00col'));
    expect(documentKey('ns', 'col', 'id 1')).toEqual(bytes('\x00soch\x00dns\x00col\x00id 1'));
    expect(documentsRange('ns', 'col')).toEqual({ start: bytes('\x00soch\x00dns\x00col\x00'), end: bytes('\x00soch\x00dns\x00col\x01') });
    expect(namespacesRange()).toEqual({ start: bytes('\x00soch\x00n'), end: bytes('\x00soch\x00o') });
    expect(collectionsRange('ns')).toEqual({ start: bytes('\x00soch\x00cns\x00'), end: bytes('\x00soch\x00cns\x01') });
    expect(namespaceDocumentsRange('ns')).toEqual({ start: bytes('\x00soch\x00dns\x00'), end: bytes('\x00soch\x00dns\x01') });
    expect(reservedRange()).toEqual({ start: bytes('\x00soch\x00'), end: bytes('\x00soch\x01') });
  });

  it('encode document ids as UTF-8', () => {
    expect(hex(documentKey('n', 'c', 'é'))).toBe(`${Buffer.from('\x00soch\x00dn\x00c\x00', 'latin1').toString('hex')}c3a9`);
  });

  // Names chosen to prefix each other and to hold the allowed punctuation, which sorts below letters.
  const NAMES = ['a', 'ab', 'a-', 'a.b', 'a_', 'b', 'A', 'a0'];
  const IDS = ['x', 'x\u0001', 'xy', 'é', 'a\u00ffb', 'x/y'];

  it('give each collection range exactly its own documents', () => {
    const wrong: string[] = [];
    const check = (ok: boolean, what: string): void => void (ok || wrong.push(what));
    for (const ns of NAMES) {
      for (const col of NAMES) {
        const range = documentsRange(ns, col);
        const nsRange = namespaceDocumentsRange(ns);
        for (const otherNs of NAMES) {
          for (const otherCol of NAMES) {
            for (const id of IDS) {
              const key = documentKey(otherNs, otherCol, id);
              const what = `${ns}/${col} vs ${otherNs}/${otherCol}/${id}`;
              check(rangeContains(range, key) === (otherNs === ns && otherCol === col), `collection range ${what}`);
              check(rangeContains(nsRange, key) === (otherNs === ns), `namespace documents ${what}`);
              check(!rangeContains(collectionsRange(ns), key) && !rangeContains(namespacesRange(), key), `catalog ${what}`);
              check(rangeContains(reservedRange(), key) && isReserved(key), `reserved ${what}`);
            }
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('give each namespace range exactly its own collections', () => {
    for (const ns of NAMES) {
      const range = collectionsRange(ns);
      for (const otherNs of NAMES) {
        for (const col of NAMES) {
          const key = collectionKey(otherNs, col);
          expect(rangeContains(range, key)).toBe(otherNs === ns);
          expect(rangeContains(namespacesRange(), key)).toBe(false);
        }
        expect(rangeContains(namespacesRange(), namespaceKey(otherNs))).toBe(true);
        expect(rangeContains(range, namespaceKey(otherNs))).toBe(false);
      }
    }
  });

  it('leave user keys outside the prefix unreserved', () => {
    for (const key of ['', '\x00', '\x00soch', '\x00soch\x01', 'soch', '\xff']) {
      expect(isReserved(bytes(key)) || rangeContains(reservedRange(), bytes(key))).toBe(false);
    }
  });

  it('parse back into their parts', () => {
    for (const id of IDS) {
      expect(parseDocumentKey(documentKey('ns-1', 'c.2', id))).toEqual({ namespace: 'ns-1', collection: 'c.2', id });
    }
    expect(parseCollectionKey(collectionKey('n', 'c'))).toEqual(['n', 'c']);
    expect(parseNamespaceKey(namespaceKey('n_1'))).toBe('n_1');
  });

  it('refuse to parse another kind of key, and report a malformed stored key as corruption', () => {
    expect(() => parseNamespaceKey(collectionKey('n', 'c'))).toThrow(InvalidArgumentError);
    expect(() => parseDocumentKey(bytes('\x00soch\x00dns\x00col'))).toThrow(CorruptionError);
    expect(() => parseNamespaceKey(bytes('\x00soch\x00nbad name'))).toThrow(CorruptionError);
  });
});

describe('names and ids', () => {
  it('accept 1 to 128 bytes of letters, digits, _ . -', () => {
    expect(() => validateName('namespace', 'tenant_123.a-B')).not.toThrow();
    expect(() => validateName('namespace', 'x'.repeat(128))).not.toThrow();
  });

  it.each([
    ['', /namespace name is 0 bytes: use 1 to 128 bytes/],
    ['x'.repeat(129), /namespace name is 129 bytes/],
    ['a b', /namespace name "a b" contains " ": use letters, digits, '_', '.' and '-'/],
    ['a/b', /contains "\/"/],
    ['é', /contains "é"/],
  ])('refuse the name %j with a typed error', (name, message) => {
    let error: unknown;
    try {
      validateName('namespace', name);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: 'INVALID_NAME' });
    expect((error as Error).message).toMatch(message);
  });

  it('refuse a name that is not a string', () => {
    expect(() => validateName('collection', 42)).toThrow(/collection name must be a string/);
  });

  it('accept ids of 1 to 512 UTF-8 bytes without NUL, and refuse others', () => {
    expect(() => validateDocId('é'.repeat(256))).not.toThrow(); // 512 bytes
    expect(() => validateDocId('é'.repeat(256) + 'x')).toThrow(/513 bytes/);
    expect(() => validateDocId('')).toThrow(/0 bytes/);
    expect(() => validateDocId('a\0b')).toThrow(/NUL/);
    expect(() => validateDocId('a\ud800b')).toThrow(/surrogate/);
    expect(() => validateDocId(7)).toThrow(InvalidArgumentError);
  });
});

describe('user scan ranges', () => {
  const R = reservedRange();
  it('skip the reserved range when a scan crosses it', () => {
    expect(userScanRanges(bytes(''), null).map(([s, e]) => [hex(s), hex(e)])).toEqual([
      ['', hex(R.start)],
      [hex(R.end), null],
    ]);
    expect(userScanRanges(bytes('\x00'), bytes('\x00soch\x00zz')).map(([s, e]) => [hex(s), hex(e)])).toEqual([[hex(bytes('\x00')), hex(R.start)]]);
  });

  it('leave scans that do not reach the reserved range, or start inside it, unchanged', () => {
    expect(userScanRanges(bytes('a'), null)).toEqual([[bytes('a'), null]]);
    expect(userScanRanges(bytes(''), bytes('\x00soch'))).toEqual([[bytes(''), bytes('\x00soch')]]);
    expect(userScanRanges(R.start, R.end)).toEqual([[R.start, R.end]]);
    expect(userScanRanges(namespaceKey('a'), null)).toEqual([[namespaceKey('a'), null]]);
  });
});
