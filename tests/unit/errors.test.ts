import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENGINE_ERROR_NAMES, engineError } from '../../pkg-ts/src/engine/codes.js';
import {
  CollectionExistsError,
  CollectionNotFoundError,
  CorruptionError,
  DatabaseClosedError,
  DatabaseError,
  DatabaseLockedError,
  DimensionMismatchError,
  DocumentExistsError,
  InvalidArgumentError,
  NamespaceExistsError,
  NamespaceNotFoundError,
  SochDBError,
  StorageError,
  TransactionConflictError,
  TransactionError,
} from '../../pkg-ts/src/errors.js';

/** `(name, code)` pairs of `enum ErrorCode` and `fn name()` in the engine's error.rs. */
function rustErrorTable(): Array<{ variant: string; code: number; name: string }> {
  const source = readFileSync(new URL('../../engine-rs/src/error.rs', import.meta.url), 'utf8');
  const enumBody = /pub enum ErrorCode \{([\s\S]*?)\n\}/.exec(source)![1]!;
  const codes = [...enumBody.matchAll(/^\s*(\w+) = (\d+),/gm)].map((m) => ({ variant: m[1]!, code: Number(m[2]) }));
  const names = new Map([...source.matchAll(/ErrorCode::(\w+) => "(\w+)"/g)].map((m) => [m[1]!, m[2]!]));
  return codes.map((c) => ({ ...c, name: names.get(c.variant)! }));
}

describe('engine error table', () => {
  it("mirrors engine-rs/src/error.rs: same codes, same names", () => {
    const rust = rustErrorTable();
    expect(rust.length).toBeGreaterThanOrEqual(13);
    const ours = ENGINE_ERROR_NAMES.flatMap((name, code) => (name === undefined ? [] : [{ code, name }]));
    expect(ours).toEqual(rust.map(({ code, name }) => ({ code, name })));
  });

  it.each([
    [2, InvalidArgumentError, 'INVALID_ARGUMENT'],
    [3, InvalidArgumentError, 'KEY_TOO_LARGE'],
    [4, InvalidArgumentError, 'VALUE_TOO_LARGE'],
    [5, InvalidArgumentError, 'TXN_TOO_LARGE'],
    [6, TransactionConflictError, 'TXN_CONFLICT'],
    [7, TransactionError, 'TXN_NOT_FOUND'],
    [9, CorruptionError, 'CORRUPTION'],
    [10, CorruptionError, 'TRUNCATED'],
    [1, DatabaseError, 'INTERNAL'],
    [11, DatabaseError, 'INVALID_STATE'],
    [12, DatabaseError, 'UNSUPPORTED_FORMAT'],
    [13, DatabaseError, 'LIMIT_EXCEEDED'],
    [14, DatabaseError, 'OUT_OF_MEMORY'],
  ] as const)('status -%i becomes %o with code %s', (code, type, name) => {
    const error = engineError(-code, 'engine says so');
    expect(error).toBeInstanceOf(type);
    expect(error).toBeInstanceOf(SochDBError);
    expect(error.code).toBe(name);
    expect(error.message).toContain('engine says so');
  });

  it('maps an unknown status to an INTERNAL DatabaseError', () => {
    expect(engineError(-99, 'x')).toMatchObject({ code: 'INTERNAL' });
  });
});

describe('error classes', () => {
  it('carry a stable code and their class name', () => {
    const cases: Array<[SochDBError, string, string]> = [
      [new DatabaseClosedError(), 'DatabaseClosedError', 'DATABASE_CLOSED'],
      [new DatabaseLockedError('/db', 12, 'locked'), 'DatabaseLockedError', 'DATABASE_LOCKED'],
      [new TransactionConflictError('c'), 'TransactionConflictError', 'TXN_CONFLICT'],
      [new StorageError('io'), 'StorageError', 'STORAGE_ERROR'],
      [new CorruptionError('bad'), 'CorruptionError', 'CORRUPTION'],
      [new InvalidArgumentError('arg'), 'InvalidArgumentError', 'INVALID_ARGUMENT'],
      [new TransactionError('t'), 'TransactionError', 'TRANSACTION_ERROR'],
      [new NamespaceExistsError('n'), 'NamespaceExistsError', 'NAMESPACE_EXISTS'],
      [new NamespaceNotFoundError('n'), 'NamespaceNotFoundError', 'NAMESPACE_NOT_FOUND'],
      [new CollectionExistsError('n', 'c'), 'CollectionExistsError', 'COLLECTION_EXISTS'],
      [new CollectionNotFoundError('n', 'c'), 'CollectionNotFoundError', 'COLLECTION_NOT_FOUND'],
      [new DimensionMismatchError(3, 2, 'd'), 'DimensionMismatchError', 'DIMENSION_MISMATCH'],
      [new DocumentExistsError('x'), 'DocumentExistsError', 'DOCUMENT_EXISTS'],
    ];
    for (const [error, name, code] of cases) {
      expect(error.name).toBe(name);
      expect(error.code).toBe(code);
      expect(error).toBeInstanceOf(Error);
    }
  });

  it('nest as documented', () => {
    expect(new DatabaseClosedError()).toBeInstanceOf(DatabaseError);
    expect(new DatabaseLockedError('/db', undefined, 'x')).toBeInstanceOf(DatabaseError);
    expect(new CorruptionError('x')).toBeInstanceOf(DatabaseError);
    expect(new StorageError('x')).toBeInstanceOf(DatabaseError);
    expect(new TransactionConflictError('x')).toBeInstanceOf(TransactionError);
    expect(new InvalidArgumentError('x')).not.toBeInstanceOf(DatabaseError);
    expect(new DimensionMismatchError(3, 2, 'x')).toBeInstanceOf(InvalidArgumentError);
    for (const e of [new NamespaceExistsError('n'), new CollectionNotFoundError('n', 'c'), new DocumentExistsError('x')]) {
      expect(e).toBeInstanceOf(SochDBError);
      expect(e).not.toBeInstanceOf(DatabaseError);
    }
  });

  it('keep their cause', () => {
    const cause = new Error('EIO');
    expect(new StorageError('write failed', { cause }).cause).toBe(cause);
  });
});
