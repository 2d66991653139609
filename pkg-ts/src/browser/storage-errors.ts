/**
 * The errors browser storage adapters throw, shaped as the conformance suite and the open
 * sequence expect: a missing file is an `ENOENT`-coded Error (as Node's fs), a full quota a
 * `StorageQuotaError`, a taken lock a `DatabaseLockedError`.
 */
import { DatabaseLockedError, StorageQuotaError } from '../errors.js';

export function missingFile(name: string, where: string): Error {
  return Object.assign(new Error(`ENOENT: no such file '${name}' in ${where}`), { code: 'ENOENT' });
}

/** Whether `e` is the browser's "quota exceeded" DOMException. */
export function isQuotaError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'QuotaExceededError';
}

export function quotaError(what: string, cause: unknown): StorageQuotaError {
  return new StorageQuotaError(
    `The browser's storage quota is used up: ${what} was refused and nothing of it was written. ` +
      'Free space or ask for persistent storage (navigator.storage.persist()), then reopen the database.',
    { cause },
  );
}

export function lockedError(storage: string, name: string): DatabaseLockedError {
  return new DatabaseLockedError(
    name,
    undefined,
    `The ${storage} database '${name}' is open in another tab or worker of this site. Close it there first, ` +
      "or open with { lock: 'wait' } to wait until it is closed.",
  );
}
