/**
 * The database directory's file names (ABI.md, "File names"): `MANIFEST`,
 * `seg-<id as 16 hex digits>.sst`, `idx-<id as 16 hex digits>.vix` (a collection's saved index,
 * ABI version 3), `wal-<generation as 16 hex digits>.log`, `LOCK`, and `<name>.tmp` left by an
 * interrupted atomic write. Segment and index names come from the engine (manifest, checkpoint);
 * the host only recognises them to clean up files the manifest no longer lists.
 */

export const MANIFEST_FILE = 'MANIFEST';
export const LOCK_FILE = 'LOCK';
export const TEMP_SUFFIX = '.tmp';

export function segmentFileName(id: number): string {
  return `seg-${hex16(id)}.sst`;
}

export function indexFileName(id: number): string {
  return `idx-${hex16(id)}.vix`;
}

export function walFileName(generation: number): string {
  return `wal-${hex16(generation)}.log`;
}

export type DatabaseFile =
  | { kind: 'manifest' }
  | { kind: 'segment'; id: number }
  | { kind: 'index'; id: number }
  | { kind: 'wal'; generation: number }
  | { kind: 'temp' }
  | { kind: 'other' };

const SEGMENT_NAME = /^seg-([0-9a-f]{16})\.sst$/;
const INDEX_NAME = /^idx-([0-9a-f]{16})\.vix$/;
const WAL_NAME = /^wal-([0-9a-f]{16})\.log$/;

/** What a file in the database directory is; `other` files are left alone. */
export function classifyFile(name: string): DatabaseFile {
  if (name === MANIFEST_FILE) return { kind: 'manifest' };
  let match = SEGMENT_NAME.exec(name);
  if (match !== null) return { kind: 'segment', id: parseHex(match[1]!) };
  match = INDEX_NAME.exec(name);
  if (match !== null) return { kind: 'index', id: parseHex(match[1]!) };
  match = WAL_NAME.exec(name);
  if (match !== null) return { kind: 'wal', generation: parseHex(match[1]!) };
  if (name.endsWith(TEMP_SUFFIX)) return { kind: 'temp' };
  return { kind: 'other' };
}

function hex16(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`file number ${n} is not a u64 below 2^53`);
  return n.toString(16).padStart(16, '0');
}

function parseHex(digits: string): number {
  return Number(BigInt(`0x${digits}`));
}
