/**
 * Comlink's `throw` transfer handler, extended so that SochDB's typed errors survive the worker
 * boundary: Comlink's default sends only `message`, `name` and `stack`, so `instanceof
 * TransactionConflictError` and `err.code` would be lost. Both sides install it (the worker to
 * send, the main thread to rebuild); other thrown values keep Comlink's behaviour.
 */
import { transferHandlers, type TransferHandler } from 'comlink';
import * as errors from '../errors.js';

/**
 * Every SochDB error class, by the `name` its constructor sets. Listed by hand: a bundler may
 * rename classes, so `cls.name` is not reliable.
 */
const ERROR_CLASSES: ReadonlyMap<string, { prototype: Error }> = new Map<string, { prototype: Error }>([
  ['SochDBError', errors.SochDBError],
  ['DatabaseError', errors.DatabaseError],
  ['DatabaseClosedError', errors.DatabaseClosedError],
  ['DatabaseLockedError', errors.DatabaseLockedError],
  ['CorruptionError', errors.CorruptionError],
  ['StorageError', errors.StorageError],
  ['StorageQuotaError', errors.StorageQuotaError],
  ['WorkerDiedError', errors.WorkerDiedError],
  ['TransactionError', errors.TransactionError],
  ['TransactionConflictError', errors.TransactionConflictError],
  ['InvalidArgumentError', errors.InvalidArgumentError],
  ['DimensionMismatchError', errors.DimensionMismatchError],
  ['NamespaceExistsError', errors.NamespaceExistsError],
  ['NamespaceNotFoundError', errors.NamespaceNotFoundError],
  ['CollectionExistsError', errors.CollectionExistsError],
  ['CollectionNotFoundError', errors.CollectionNotFoundError],
  ['DocumentExistsError', errors.DocumentExistsError],
]);

interface WireError {
  isError: true;
  sochdb: boolean;
  value: { name: string; message: string; stack?: string; cause?: { name: string; message: string } } & Record<string, unknown>;
}

type Thrown = { value: unknown };
let installed = false;

/** Replaces Comlink's `throw` handler (idempotent). */
export function installErrorTransfer(): void {
  if (installed) return;
  installed = true;
  const base = transferHandlers.get('throw') as TransferHandler<Thrown, unknown>;
  transferHandlers.set('throw', {
    canHandle: base.canHandle,
    serialize(thrown: Thrown): [unknown, Transferable[]] {
      const error = thrown.value;
      if (!(error instanceof Error)) return base.serialize(thrown);
      return [toWire(error), []];
    },
    deserialize(wire: unknown): never {
      const w = wire as WireError | { isError: boolean };
      if ('sochdb' in w) throw fromWire(w);
      return base.deserialize(wire) as never;
    },
  } satisfies TransferHandler<Thrown, unknown>);
}

function toWire(error: Error): WireError {
  const value: WireError['value'] = { name: error.name, message: error.message, stack: error.stack };
  // Own fields carry the code and the subclass's details (`namespace`, `expected`, ...).
  for (const [key, field] of Object.entries(error)) if (isCloneablePrimitive(field)) value[key] = field;
  if (error.cause instanceof Error) value.cause = { name: error.cause.name, message: error.cause.message };
  return { isError: true, sochdb: error instanceof errors.SochDBError, value };
}

function fromWire(wire: WireError): Error {
  const { cause, ...fields } = wire.value;
  const cls = wire.sochdb ? (ERROR_CLASSES.get(fields.name) ?? errors.SochDBError) : Error;
  // The constructors take different arguments; the fields say everything, so skip them.
  const error = Object.create(cls.prototype) as Error;
  Object.assign(error, fields);
  if (cause !== undefined) error.cause = Object.assign(new Error(cause.message), { name: cause.name });
  return error;
}

function isCloneablePrimitive(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value);
}
