/**
 * StorageAdapter on the Origin Private File System, for the engine's dedicated worker (sync
 * access handles exist only there). Files live in `sochdb/<database name, URI-encoded>/`; each is held open
 * by one sync access handle while the adapter uses it (OPFS allows one per file, which also keeps
 * other tabs out while the Web Lock is held).
 *
 * Durability: `flush()` is the handle's flush, called before a commit is acknowledged;
 * `writeAtomic` writes `<name>.tmp`, flushes it, and moves it over `name` (a rename inside the
 * origin's storage), so a crash leaves the old or the new file.
 */
import type { StorageAdapter } from '../storage/adapter.js';
import { isQuotaError, lockedError, missingFile, quotaError } from './storage-errors.js';
import { holdLock, type ReleaseLock } from './web-locks.js';

/** The sync access handle API (in TypeScript's WebWorker lib only, so declared here). */
interface SyncAccessHandle {
  read(buffer: Uint8Array, options: { at: number }): number;
  write(buffer: Uint8Array, options: { at: number }): number;
  truncate(size: number): void;
  getSize(): number;
  flush(): void;
  close(): void;
}
type OpfsFileHandle = FileSystemFileHandle & {
  createSyncAccessHandle(): Promise<SyncAccessHandle>;
  move(newName: string): Promise<void>;
};
type OpfsDirectory = FileSystemDirectoryHandle & { keys(): AsyncIterableIterator<string> };

const ROOT_DIRECTORY = 'sochdb';
const TEMP_SUFFIX = '.tmp';

export interface OpfsAdapterOptions {
  /** Wait for another tab to close the database instead of refusing at once. */
  waitForLock?: boolean;
}

export class OpfsAdapter implements StorageAdapter {
  readonly kind = 'opfs';
  readonly name: string;
  readonly #waitForLock: boolean;
  #directory: Promise<OpfsDirectory> | null = null;
  readonly #handles = new Map<string, SyncAccessHandle>();
  #release: ReleaseLock | null = null;

  constructor(name: string, options: OpfsAdapterOptions = {}) {
    this.name = name;
    this.#waitForLock = options.waitForLock ?? false;
  }

  /** Whether this context can use OPFS sync access handles (a dedicated worker of a recent browser). */
  static isAvailable(): boolean {
    return (
      typeof FileSystemFileHandle !== 'undefined' &&
      'createSyncAccessHandle' in FileSystemFileHandle.prototype &&
      typeof navigator.storage?.getDirectory === 'function'
    );
  }

  async lock(): Promise<void> {
    if (this.#release !== null) throw lockedError('OPFS', this.name);
    const release = await holdLock(`sochdb:opfs:${this.name}`, this.#waitForLock);
    if (release === null) throw lockedError('OPFS', this.name);
    this.#release = release;
  }

  async unlock(): Promise<void> {
    this.#release?.();
    this.#release = null;
  }

  async list(): Promise<string[]> {
    const names: string[] = [];
    for await (const name of (await this.#dir()).keys()) names.push(name);
    return names;
  }

  async read(name: string): Promise<Uint8Array | null> {
    const handle = await this.#handle(name, false);
    if (handle === null) return null;
    const data = new Uint8Array(handle.getSize());
    handle.read(data, { at: 0 });
    return data;
  }

  async append(name: string, data: Uint8Array): Promise<void> {
    const handle = (await this.#handle(name, true))!;
    const at = handle.getSize();
    try {
      writeAll(handle, data, at, name);
    } catch (e) {
      handle.truncate(at); // nothing half-written
      throw isQuotaError(e) ? quotaError(`appending ${data.length} bytes to ${name}`, e) : e;
    }
  }

  async flush(name: string): Promise<void> {
    const handle = await this.#handle(name, false);
    if (handle === null) throw missingFile(name, this.#where());
    handle.flush();
  }

  async writeAtomic(name: string, data: Uint8Array): Promise<void> {
    const temp = name + TEMP_SUFFIX;
    const handle = (await this.#handle(temp, true))!;
    try {
      handle.truncate(0);
      writeAll(handle, data, 0, temp);
      handle.flush();
    } catch (e) {
      this.#closeHandle(temp);
      await this.remove(temp);
      throw isQuotaError(e) ? quotaError(`writing ${data.length} bytes to ${name}`, e) : e;
    }
    // A file cannot be moved while a handle is open on it or on its destination.
    this.#closeHandle(temp);
    this.#closeHandle(name);
    const file = (await (await this.#dir()).getFileHandle(temp)) as OpfsFileHandle;
    await file.move(name);
  }

  async truncate(name: string, length: number): Promise<void> {
    const handle = await this.#handle(name, false);
    if (handle === null) throw missingFile(name, this.#where());
    handle.truncate(length);
    handle.flush();
  }

  async remove(name: string): Promise<void> {
    this.#closeHandle(name);
    try {
      await (await this.#dir()).removeEntry(name);
    } catch (e) {
      if ((e as { name?: string }).name !== 'NotFoundError') throw e;
    }
  }

  async close(): Promise<void> {
    for (const name of [...this.#handles.keys()]) this.#closeHandle(name);
  }

  #dir(): Promise<OpfsDirectory> {
    this.#directory ??= (async () => {
      const root = await navigator.storage.getDirectory();
      const all = await root.getDirectoryHandle(ROOT_DIRECTORY, { create: true });
      // Encoded: a database name may hold characters a directory name cannot ('/').
      return (await all.getDirectoryHandle(encodeURIComponent(this.name), { create: true })) as OpfsDirectory;
    })();
    return this.#directory;
  }

  /** The open handle of `name`, opening it first; null when it does not exist and `create` is false. */
  async #handle(name: string, create: boolean): Promise<SyncAccessHandle | null> {
    const open = this.#handles.get(name);
    if (open !== undefined) return open;
    let file: OpfsFileHandle;
    try {
      file = (await (await this.#dir()).getFileHandle(name, { create })) as OpfsFileHandle;
    } catch (e) {
      if (!create && (e as { name?: string }).name === 'NotFoundError') return null;
      throw e;
    }
    // Another call may have opened it while this one awaited.
    const raced = this.#handles.get(name);
    if (raced !== undefined) return raced;
    const handle = await file.createSyncAccessHandle();
    this.#handles.set(name, handle);
    return handle;
  }

  #closeHandle(name: string): void {
    const handle = this.#handles.get(name);
    if (handle === undefined) return;
    this.#handles.delete(name);
    handle.close();
  }

  #where(): string {
    return `the OPFS database '${this.name}'`;
  }
}

/**
 * Writes all of `data` at `at`, or throws a `QuotaExceededError`. Out of quota, Chromium's
 * `write` may return a short count (or a negative file error such as -8, "no space", read as an
 * unsigned number) instead of throwing: the only cause of a short write here is a full storage.
 */
function writeAll(handle: SyncAccessHandle, data: Uint8Array, at: number, name: string): void {
  const written = handle.write(data, { at });
  if (written === data.length) return;
  const count = written > data.length ? `error ${written | 0}` : `${written} of ${data.length} bytes`;
  throw new DOMException(`A write to ${name} came up short (${count}): the storage is full.`, 'QuotaExceededError');
}
