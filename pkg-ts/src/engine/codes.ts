/**
 * The engine's error table (ABI.md, "Error table"), mirrored from `engine-rs/src/error.rs`.
 * Statuses below zero are `-code`. A test checks this table against the Rust source: change
 * both together, never renumber.
 */
import {
  CorruptionError,
  DatabaseError,
  InvalidArgumentError,
  type SochDBError,
  TransactionConflictError,
  TransactionError,
} from '../errors.js';

export const ENGINE_ERROR_NAMES = [
  undefined, // 0 is success
  'INTERNAL',
  'INVALID_ARGUMENT',
  'KEY_TOO_LARGE',
  'VALUE_TOO_LARGE',
  'TXN_TOO_LARGE',
  'TXN_CONFLICT',
  'TXN_NOT_FOUND',
  'CURSOR_NOT_FOUND',
  'CORRUPTION',
  'TRUNCATED',
  'INVALID_STATE',
  'UNSUPPORTED_FORMAT',
  'LIMIT_EXCEEDED',
  'OUT_OF_MEMORY',
] as const;

export type EngineErrorName = Exclude<(typeof ENGINE_ERROR_NAMES)[number], undefined>;

/** What each engine error tells the caller to do, appended to the engine's message. */
const ADVICE: Record<EngineErrorName, string> = {
  INTERNAL: 'This is a bug in the SochDB engine: please report it with this message.',
  INVALID_ARGUMENT: 'Nothing was written; fix the argument.',
  KEY_TOO_LARGE: 'Keys must be 1 byte to 16 KiB; nothing was written.',
  VALUE_TOO_LARGE: 'Values must be at most 64 MiB; nothing was written.',
  TXN_TOO_LARGE: 'Split the work into smaller transactions (at most 256 MiB of writes each).',
  TXN_CONFLICT: 'Nothing was applied: run the transaction again.',
  TXN_NOT_FOUND: 'Begin a new transaction.',
  CURSOR_NOT_FOUND: 'Start a new scan.',
  CORRUPTION: 'A stored file is damaged: restore the database directory from a backup.',
  TRUNCATED: 'A stored file is cut short: restore the database directory from a backup.',
  INVALID_STATE: 'The engine was called out of order: this is a bug in SochDB, please report it.',
  UNSUPPORTED_FORMAT: 'The files were written by a newer SochDB: upgrade @sochdb/sochdb to open them.',
  LIMIT_EXCEEDED:
    'An engine limit was reached (the message names it): nothing was written. For open transactions or scans, commit, abort or finish some first.',
  OUT_OF_MEMORY: 'Keep less in one database: split collections across databases.',
};

/** Maps an engine status (< 0) and its message to the typed error the API throws. */
export function engineError(status: number, engineMessage: string): SochDBError {
  const name = ENGINE_ERROR_NAMES[-status];
  if (name === undefined) {
    return new DatabaseError(`SochDB engine returned unknown status ${status}: ${engineMessage}`, 'INTERNAL');
  }
  const message = `${engineMessage}. ${ADVICE[name]}`;
  switch (name) {
    case 'INVALID_ARGUMENT':
    case 'KEY_TOO_LARGE':
    case 'VALUE_TOO_LARGE':
    case 'TXN_TOO_LARGE':
      return new InvalidArgumentError(message, name);
    case 'TXN_CONFLICT':
      return new TransactionConflictError(message);
    case 'TXN_NOT_FOUND':
      return new TransactionError(message, name);
    case 'CORRUPTION':
    case 'TRUNCATED':
      return new CorruptionError(message, name);
    default:
      return new DatabaseError(message, name);
  }
}
