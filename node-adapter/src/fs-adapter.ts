/**
 * The StorageAdapter on real files in one directory (Node). Appends keep one file handle per
 * file; `flush` is `fdatasync`; `writeAtomic` is temp file + fsync + rename + directory fsync;
 * the directory's `LOCK` file keeps other processes (and this one) from opening it twice.
 */
import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { type FileHandle, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SyncStorageAdapter } from '../../pkg-ts/src/storage/adapter.js';
import { acquireLockSync, releaseLockSync } from './lock.js';

/** Suffix of `writeAtomic`'s temp files; the open sequence removes leftovers. */
export const TEMP_SUFFIX = '.tmp';
export const LOCK_FILE = 'LOCK';

export class FsAdapter implements SyncStorageAdapter {
  readonly kind = 'fs';
  readonly dir: string;
  /** Append handles, opened on first append. */
  readonly #handles = new Map<string, Promise<FileHandle>>();
  /** Files that `append` created: their directory entry is synced at the next `flush`. */
  readonly #createdByAppend = new Set<string>();
  #locked = false;

  constructor(dir: string) {
    this.dir = dir;
  }

  // --- lock --------------------------------------------------------------------------------

  lockSync(): void {
    mkdirSync(this.dir, { recursive: true });
    acquireLockSync(join(this.dir, LOCK_FILE), this.dir);
    this.#locked = true;
  }

  unlockSync(): void {
    if (!this.#locked) return;
    releaseLockSync(join(this.dir, LOCK_FILE));
    this.#locked = false;
  }

  async lock(): Promise<void> {
    this.lockSync();
  }

  async unlock(): Promise<void> {
    this.unlockSync();
  }

  // --- synchronous extension (open) --------------------------------------------------------

  listSync(): string[] {
    return readdirSync(this.dir);
  }

  readIntoSync(name: string, alloc: (length: number) => Uint8Array): number | null {
    let fd: number;
    try {
      fd = openSync(this.#path(name), 'r');
    } catch (e) {
      if (errorCode(e) === 'ENOENT') return null;
      throw e;
    }
    try {
      const length = fstatSync(fd).size;
      const target = alloc(length);
      for (let done = 0; done < length; ) {
        const n = readSync(fd, target, done, length - done, done);
        if (n === 0) throw new Error(`${name} shrank while being read`);
        done += n;
      }
      return length;
    } finally {
      closeSync(fd);
    }
  }

  writeAtomicSync(name: string, data: Uint8Array): void {
    this.#dropHandleSync(name);
    const temp = this.#path(name + TEMP_SUFFIX);
    const fd = openSync(temp, 'w');
    try {
      for (let done = 0; done < data.length; ) done += writeSync(fd, data, done, data.length - done);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.#path(name));
    this.#syncDirSync();
  }

  truncateSync(name: string, length: number): void {
    const fd = openSync(this.#path(name), 'r+');
    try {
      ftruncateSync(fd, length);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  removeSync(name: string): void {
    this.#dropHandleSync(name);
    rmSync(this.#path(name), { force: true });
    this.#syncDirSync();
  }

  // --- async -------------------------------------------------------------------------------

  async list(): Promise<string[]> {
    return readdir(this.dir);
  }

  async read(name: string): Promise<Uint8Array | null> {
    try {
      return await readFile(this.#path(name));
    } catch (e) {
      if (errorCode(e) === 'ENOENT') return null;
      throw e;
    }
  }

  async append(name: string, data: Uint8Array): Promise<void> {
    const handle = await this.#handle(name);
    for (let done = 0; done < data.length; ) {
      const { bytesWritten } = await handle.write(data, done, data.length - done);
      done += bytesWritten;
    }
  }

  async flush(name: string): Promise<void> {
    const appending = this.#handles.get(name);
    if (appending === undefined) {
      // Nothing appended through this adapter: sync the file as it is (ENOENT if missing).
      const handle = await open(this.#path(name), 'r+');
      try {
        await handle.datasync();
      } finally {
        await handle.close();
      }
      return;
    }
    await (await appending).datasync();
    if (this.#createdByAppend.delete(name)) await this.#syncDir();
  }

  async writeAtomic(name: string, data: Uint8Array): Promise<void> {
    await this.#dropHandle(name);
    const temp = this.#path(name + TEMP_SUFFIX);
    const handle = await open(temp, 'w');
    try {
      for (let done = 0; done < data.length; ) {
        const { bytesWritten } = await handle.write(data, done, data.length - done);
        done += bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.#path(name));
    await this.#syncDir();
  }

  async truncate(name: string, length: number): Promise<void> {
    const handle = await open(this.#path(name), 'r+');
    try {
      await handle.truncate(length);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async remove(name: string): Promise<void> {
    await this.#dropHandle(name);
    await rm(this.#path(name), { force: true });
    await this.#syncDir();
  }

  async close(): Promise<void> {
    const names = [...this.#handles.keys()];
    await Promise.all(names.map((name) => this.#dropHandle(name)));
  }

  // --- plumbing ----------------------------------------------------------------------------

  #path(name: string): string {
    return join(this.dir, name);
  }

  #handle(name: string): Promise<FileHandle> {
    let handle = this.#handles.get(name);
    if (handle === undefined) {
      handle = this.#openForAppend(name);
      this.#handles.set(name, handle);
      handle.catch(() => this.#handles.delete(name));
    }
    return handle;
  }

  async #openForAppend(name: string): Promise<FileHandle> {
    try {
      const created = await open(this.#path(name), 'ax');
      this.#createdByAppend.add(name);
      return created;
    } catch (e) {
      if (errorCode(e) !== 'EEXIST') throw e;
    }
    return open(this.#path(name), 'a');
  }

  async #dropHandle(name: string): Promise<void> {
    const handle = this.#handles.get(name);
    if (handle === undefined) return;
    this.#handles.delete(name);
    this.#createdByAppend.delete(name);
    await (await handle).close();
  }

  /** Sync variant for the open path, where no append handle can be in flight. */
  #dropHandleSync(name: string): void {
    if (this.#handles.has(name)) {
      throw new Error(`FsAdapter: ${name} has an open append handle; use the async methods`);
    }
  }

  #syncDirSync(): void {
    const fd = openSync(this.dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  async #syncDir(): Promise<void> {
    const handle = await open(this.dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}

function errorCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | null)?.code;
}
