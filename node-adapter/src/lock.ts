/**
 * The database directory's exclusive `LOCK` file: it exists while a process has the database
 * open and holds `{ pid, host, createdAt }` of that process.
 *
 * - Taking it: write the owner to a private file, then hard-link it to `LOCK`. `link` fails when
 *   `LOCK` exists, so the lock appears atomically and always with its full content.
 * - A `LOCK` whose process is gone (same host, pid not running) is stale: it is taken over.
 * - A live holder, including this same process opening the directory twice, is refused with
 *   `DatabaseLockedError` naming the pid. A holder on another host cannot be checked: refused.
 * - Released on close; a process that dies without closing leaves a stale lock for the next open.
 *
 * Two processes taking over one stale lock at the same moment can race; the re-read just before
 * removing it narrows that window to a few microseconds.
 */
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { DatabaseLockedError } from '../../pkg-ts/src/errors.js';

export interface LockOwner {
  pid: number;
  host: string;
  createdAt: string;
}

const TAKE_ATTEMPTS_MAX = 5;

/** Takes `lockPath` for this process or throws `DatabaseLockedError` (`dbPath` names the database). */
export function acquireLockSync(lockPath: string, dbPath: string): void {
  const me: LockOwner = { pid: process.pid, host: hostname(), createdAt: new Date().toISOString() };
  for (let attempt = 0; attempt < TAKE_ATTEMPTS_MAX; attempt++) {
    if (tryCreate(lockPath, me)) return;
    const content = readLock(lockPath);
    if (content === null) continue; // released meanwhile: try again
    const owner = parseOwner(content);
    if (owner !== null && isLive(owner)) throw lockedError(dbPath, lockPath, owner);
    // Stale (or unreadable): remove it unless it changed since we read it.
    if (readLock(lockPath) === content) removeIfPresent(lockPath);
  }
  throw new DatabaseLockedError(
    dbPath,
    undefined,
    `Could not take the lock ${lockPath}: other processes keep taking it. Make sure only one process opens ${dbPath}.`,
  );
}

/** Removes `lockPath` if this process holds it. */
export function releaseLockSync(lockPath: string): void {
  const content = readLock(lockPath);
  if (content === null) return;
  const owner = parseOwner(content);
  if (owner !== null && owner.pid === process.pid && owner.host === hostname()) removeIfPresent(lockPath);
}

/** The owner recorded in `lockPath`, or null when there is no readable lock. */
export function readLockOwner(lockPath: string): LockOwner | null {
  const content = readLock(lockPath);
  return content === null ? null : parseOwner(content);
}

function tryCreate(lockPath: string, me: LockOwner): boolean {
  const pending = `${lockPath}.${me.pid}.${Math.random().toString(36).slice(2)}.pending`;
  const fd = openSync(pending, 'wx');
  try {
    writeSync(fd, JSON.stringify(me));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(pending, lockPath);
    return true;
  } catch (e) {
    if (errorCode(e) === 'EEXIST') return false;
    if (errorCode(e) === 'EPERM' || errorCode(e) === 'ENOTSUP') return createExclusive(lockPath, me);
    throw e;
  } finally {
    removeIfPresent(pending);
  }
}

/** Fallback for file systems without hard links: exclusive create, then write. */
function createExclusive(lockPath: string, me: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx');
  } catch (e) {
    if (errorCode(e) === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, JSON.stringify(me));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

function isLive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true; // cannot check another machine's processes
  if (owner.pid === process.pid) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (e) {
    return errorCode(e) === 'EPERM'; // exists, owned by another user
  }
}

function lockedError(dbPath: string, lockPath: string, owner: LockOwner): DatabaseLockedError {
  const who =
    owner.pid === process.pid && owner.host === hostname()
      ? `this process (pid ${owner.pid}) already has it open: close that Database before opening it again`
      : `process ${owner.pid} on ${owner.host} has it open: close it there, or if no such process uses it, delete ${lockPath}`;
  return new DatabaseLockedError(dbPath, owner.pid, `The database at ${dbPath} is locked: ${who}.`);
}

function parseOwner(content: string): LockOwner | null {
  try {
    const value = JSON.parse(content) as Partial<LockOwner>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string') return null;
    return { pid: value.pid, host: value.host, createdAt: String(value.createdAt ?? '') };
  } catch {
    return null;
  }
}

function readLock(lockPath: string): string | null {
  try {
    return readFileSync(lockPath, 'utf8');
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return null;
    throw e;
  }
}

function removeIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if (errorCode(e) !== 'ENOENT') throw e;
  }
}

function errorCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | null)?.code;
}
