/**
 * Opening the playground's database. The storage backend comes from `?storage=` (auto, opfs,
 * indexeddb, memory); auto lets the package pick (OPFS where the browser has it, else IndexedDB).
 *
 * A database is open in one tab at a time (a Web Lock). Right after a reload the previous page's
 * worker may still hold it for a moment, and another tab may hold it for longer: the first open
 * refuses, the playground says so, then waits for the lock.
 */
import { Database, DatabaseLockedError, type BrowserStorageKind } from '@sochdb/sochdb';

export const DATABASE_NAME = 'sochdb-playground';

export type StorageChoice = 'auto' | BrowserStorageKind;
export const STORAGE_CHOICES: Array<{ value: StorageChoice; label: string }> = [
  { value: 'auto', label: 'Auto (OPFS, else IndexedDB)' },
  { value: 'opfs', label: 'OPFS' },
  { value: 'indexeddb', label: 'IndexedDB' },
  { value: 'memory', label: 'Memory (not persisted)' },
];

export function storageChoiceFromUrl(): StorageChoice {
  const value = new URLSearchParams(location.search).get('storage');
  return STORAGE_CHOICES.some((c) => c.value === value) ? (value as StorageChoice) : 'auto';
}

/** Reloads the page on another backend. */
export function switchStorage(choice: StorageChoice): void {
  const url = new URL(location.href);
  if (choice === 'auto') url.searchParams.delete('storage');
  else url.searchParams.set('storage', choice);
  location.assign(url);
}

export async function openDatabase(choice: StorageChoice, onWaiting: () => void): Promise<Database> {
  const storage = choice === 'auto' ? undefined : choice;
  try {
    return await Database.open(DATABASE_NAME, { storage, lock: 'refuse' });
  } catch (e) {
    if (!(e instanceof DatabaseLockedError)) throw e;
    onWaiting();
    return Database.open(DATABASE_NAME, { storage, lock: 'wait' });
  }
}

export const STORAGE_LABELS: Record<string, string> = { opfs: 'OPFS', indexeddb: 'IndexedDB', memory: 'Memory' };
