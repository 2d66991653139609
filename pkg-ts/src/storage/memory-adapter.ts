/**
 * Files in a `Map`: nothing survives the process. Reuse one instance across `Database.open`
 * calls to reopen the same in-memory database (e.g. in tests); `storage: 'memory'` makes a fresh
 * one per open. Its lock is per instance: a second open on the same instance is refused.
 */
import { DatabaseLockedError } from '../errors.js';
import type { SyncStorageAdapter } from './adapter.js';

/** A file that grows by doubling, so appends are amortised O(length appended). */
interface MemoryFile {
  bytes: Uint8Array;
  length: number;
}

export class MemoryAdapter implements SyncStorageAdapter {
  readonly kind = 'memory';
  readonly #files = new Map<string, MemoryFile>();
  #locked = false;

  lockSync(): void {
    if (this.#locked) {
      throw new DatabaseLockedError(
        'memory',
        undefined,
        'This in-memory database is already open: close the other Database that uses this MemoryAdapter first.',
      );
    }
    this.#locked = true;
  }

  unlockSync(): void {
    this.#locked = false;
  }

  listSync(): string[] {
    return [...this.#files.keys()];
  }

  readIntoSync(name: string, alloc: (length: number) => Uint8Array): number | null {
    const file = this.#files.get(name);
    if (file === undefined) return null;
    alloc(file.length).set(file.bytes.subarray(0, file.length));
    return file.length;
  }

  writeAtomicSync(name: string, data: Uint8Array): void {
    this.#files.set(name, { bytes: data.slice(), length: data.length });
  }

  truncateSync(name: string, length: number): void {
    const file = this.#files.get(name);
    if (file === undefined) throw missing(name);
    if (length < file.length) {
      file.length = length;
    } else if (length > file.length) {
      this.#appendTo(name, new Uint8Array(length - file.length));
    }
  }

  removeSync(name: string): void {
    this.#files.delete(name);
  }

  async lock(): Promise<void> {
    this.lockSync();
  }

  async unlock(): Promise<void> {
    this.unlockSync();
  }

  async list(): Promise<string[]> {
    return this.listSync();
  }

  async read(name: string): Promise<Uint8Array | null> {
    const file = this.#files.get(name);
    return file === undefined ? null : file.bytes.slice(0, file.length);
  }

  async append(name: string, data: Uint8Array): Promise<void> {
    this.#appendTo(name, data);
  }

  async flush(name: string): Promise<void> {
    if (!this.#files.has(name)) throw missing(name);
  }

  async writeAtomic(name: string, data: Uint8Array): Promise<void> {
    this.writeAtomicSync(name, data);
  }

  async truncate(name: string, length: number): Promise<void> {
    this.truncateSync(name, length);
  }

  async remove(name: string): Promise<void> {
    this.removeSync(name);
  }

  async close(): Promise<void> {}

  #appendTo(name: string, data: Uint8Array): void {
    let file = this.#files.get(name);
    if (file === undefined) {
      file = { bytes: new Uint8Array(Math.max(64, data.length)), length: 0 };
      this.#files.set(name, file);
    }
    const needed = file.length + data.length;
    if (needed > file.bytes.length) {
      const grown = new Uint8Array(Math.max(needed, file.bytes.length * 2));
      grown.set(file.bytes.subarray(0, file.length));
      file.bytes = grown;
    }
    file.bytes.set(data, file.length);
    file.length = needed;
  }
}

function missing(name: string): Error {
  return Object.assign(new Error(`ENOENT: no such file '${name}' in the in-memory database`), { code: 'ENOENT' });
}
