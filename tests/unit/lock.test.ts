import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLockSync, readLockOwner, releaseLockSync } from '../../node-adapter/src/lock.js';
import { DatabaseLockedError } from '../../pkg-ts/src/errors.js';
import { tempDirs } from './tmp-dirs.js';

const newDir = tempDirs('lock');

function lockIn(): { dir: string; lock: string } {
  const dir = newDir();
  mkdirSync(dir, { recursive: true });
  return { dir, lock: join(dir, 'LOCK') };
}

/** A pid that belonged to a process which has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('LOCK file', () => {
  it('records this process as the holder', () => {
    const { dir, lock } = lockIn();
    acquireLockSync(lock, dir);
    expect(readLockOwner(lock)).toMatchObject({ pid: process.pid, host: hostname() });
    releaseLockSync(lock);
    expect(existsSync(lock)).toBe(false);
  });

  it('refuses a second take by this same process, naming its pid', () => {
    const { dir, lock } = lockIn();
    acquireLockSync(lock, dir);
    let error: unknown;
    try {
      acquireLockSync(lock, dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DatabaseLockedError);
    expect(error).toMatchObject({ code: 'DATABASE_LOCKED', holderPid: process.pid });
    expect((error as Error).message).toContain(String(process.pid));
    releaseLockSync(lock);
  });

  it('refuses a lock held by another live process', () => {
    const { dir, lock } = lockIn();
    writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: hostname(), createdAt: 'x' }));
    expect(() => acquireLockSync(lock, dir)).toThrow(DatabaseLockedError);
    expect(readLockOwner(lock)?.pid).toBe(process.ppid);
  });

  it('takes over a stale lock whose process is gone', () => {
    const { dir, lock } = lockIn();
    writeFileSync(lock, JSON.stringify({ pid: deadPid(), host: hostname(), createdAt: 'x' }));
    acquireLockSync(lock, dir);
    expect(readLockOwner(lock)?.pid).toBe(process.pid);
    releaseLockSync(lock);
  });

  it('takes over an unreadable lock', () => {
    const { dir, lock } = lockIn();
    writeFileSync(lock, 'garbage');
    acquireLockSync(lock, dir);
    expect(readLockOwner(lock)?.pid).toBe(process.pid);
    releaseLockSync(lock);
  });

  it('refuses a lock held on another host, whose process cannot be checked', () => {
    const { dir, lock } = lockIn();
    writeFileSync(lock, JSON.stringify({ pid: 1, host: `${hostname()}-elsewhere`, createdAt: 'x' }));
    expect(() => acquireLockSync(lock, dir)).toThrow(/elsewhere/);
  });

  it('does not release a lock another process holds', () => {
    const { lock } = lockIn();
    const theirs = JSON.stringify({ pid: process.ppid, host: hostname(), createdAt: 'x' });
    writeFileSync(lock, theirs);
    releaseLockSync(lock);
    expect(readFileSync(lock, 'utf8')).toBe(theirs);
  });

  it('leaves no pending files behind', () => {
    const { dir, lock } = lockIn();
    acquireLockSync(lock, dir);
    expect(() => acquireLockSync(lock, dir)).toThrow();
    releaseLockSync(lock);
    expect(readdirSync(dir)).toEqual([]);
  });
});
