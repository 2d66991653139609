/**
 * Decoders for the engine's output-buffer layouts (ABI.md). Each takes a copy of the output
 * buffer (a `Buffer`), so it stays valid across later engine calls. Integers are little-endian;
 * `u64` values the host reads are below 2^53 (ABI.md, "Integers").
 */
import { DatabaseError } from '../errors.js';

export function readU64(buf: Buffer, offset: number): number {
  return buf.readUInt32LE(offset) + buf.readUInt32LE(offset + 4) * 0x1_0000_0000;
}

/**
 * `soch_load_manifest`: `wal_generation u64 | file_count u32 | (name_len u16 | name)*`,
 * every file to load (segments `seg-*.sst`, collection indexes `idx-*.vix`).
 */
export interface ManifestInfo {
  walGeneration: number;
  /** Names of the files the manifest lists, in the engine's order (load them all). */
  files: string[];
}

export function decodeManifestInfo(out: Buffer): ManifestInfo {
  expectLength(out, 12, 'soch_load_manifest');
  const walGeneration = readU64(out, 0);
  const count = out.readUInt32LE(8);
  const reader = { at: 12 };
  const files: string[] = [];
  for (let i = 0; i < count; i++) files.push(readName(out, reader, 'soch_load_manifest'));
  return { walGeneration, files };
}

/** `soch_replay_wal`: `valid_len u32 | torn_tail u8 | records_applied u32 | generation u64`. */
export interface ReplayResult {
  validLen: number;
  tornTail: boolean;
  recordsApplied: number;
  generation: number;
}

export function decodeReplayResult(out: Buffer): ReplayResult {
  expectLength(out, 17, 'soch_replay_wal');
  return {
    validLen: out.readUInt32LE(0),
    tornTail: out[4] !== 0,
    recordsApplied: out.readUInt32LE(5),
    generation: readU64(out, 9),
  };
}

/** `soch_open_finish`: `wal_generation u64 | create_file u8 | header (16 bytes)`. */
export interface OpenFinishResult {
  walGeneration: number;
  createFile: boolean;
  walHeader: Buffer;
}

export function decodeOpenFinish(out: Buffer): OpenFinishResult {
  expectLength(out, 25, 'soch_open_finish');
  return { walGeneration: readU64(out, 0), createFile: out[8] !== 0, walHeader: out.subarray(9, 25) };
}

/** `soch_wal_take`: `last_seq u64 | records...`. */
export interface WalTake {
  lastSeq: number;
  /** Records ready to append to the current WAL file; empty when nothing was pending. */
  records: Buffer;
}

export function decodeWalTake(out: Buffer): WalTake {
  expectLength(out, 8, 'soch_wal_take');
  return { lastSeq: readU64(out, 0), records: out.subarray(8) };
}

/** A file a checkpoint asks the host to write: its bytes are these pieces of engine memory, in order. */
export interface CheckpointWriteLayout {
  name: string;
  pieces: Array<{ ptr: number; len: number }>;
}

/**
 * `soch_checkpoint` (status 1): `manifest_len u32 | manifest | write_count u32 |
 * (name_len u16 | name | piece_count u32 | (data_ptr u32 | data_len u32)*)* | remove_count u32 |
 * (name_len u16 | name)* | wal_generation u64 | wal_header (16 bytes)`. The caller copies each
 * write's pieces before its next engine call.
 */
export interface CheckpointLayout {
  manifest: Buffer;
  writes: CheckpointWriteLayout[];
  removes: string[];
  walGeneration: number;
  walHeader: Buffer;
}

export function decodeCheckpoint(out: Buffer): CheckpointLayout {
  const fn = 'soch_checkpoint';
  expectLength(out, 4, fn);
  const manifestLen = out.readUInt32LE(0);
  const r = { at: 4 };
  expectLength(out, r.at + manifestLen + 4, fn);
  const manifest = out.subarray(r.at, r.at + manifestLen);
  r.at += manifestLen;
  const writeCount = out.readUInt32LE(r.at);
  r.at += 4;
  const writes: CheckpointWriteLayout[] = [];
  for (let i = 0; i < writeCount; i++) {
    const name = readName(out, r, fn);
    expectLength(out, r.at + 4, fn);
    const count = out.readUInt32LE(r.at);
    r.at += 4;
    expectLength(out, r.at + 8 * count, fn);
    const pieces: Array<{ ptr: number; len: number }> = [];
    for (let j = 0; j < count; j++, r.at += 8) pieces.push({ ptr: out.readUInt32LE(r.at), len: out.readUInt32LE(r.at + 4) });
    writes.push({ name, pieces });
  }
  expectLength(out, r.at + 4, fn);
  const removeCount = out.readUInt32LE(r.at);
  r.at += 4;
  const removes: string[] = [];
  for (let i = 0; i < removeCount; i++) removes.push(readName(out, r, fn));
  expectLength(out, r.at + 24, fn);
  return { manifest, writes, removes, walGeneration: readU64(out, r.at), walHeader: out.subarray(r.at + 8, r.at + 24) };
}

/** `name_len u16 | name` (UTF-8) at `r.at`, advancing it. */
function readName(out: Buffer, r: { at: number }, fn: string): string {
  expectLength(out, r.at + 2, fn);
  const len = out.readUInt16LE(r.at);
  expectLength(out, r.at + 2 + len, fn);
  const name = out.toString('utf8', r.at + 2, r.at + 2 + len);
  r.at += 2 + len;
  return name;
}

/** `soch_stats`: 13 × u64, in this order. */
export const ENGINE_STAT_NAMES = [
  'lastSeq',
  'visibleSeq',
  'checkpointSeq',
  'memtableEntries',
  'memtableBytes',
  'segmentCount',
  'segmentBytes',
  'segmentEntries',
  'walPendingBytes',
  'openTxns',
  'openCursors',
  'walGeneration',
  'dataBytes',
] as const;

export type EngineStats = Record<(typeof ENGINE_STAT_NAMES)[number], number>;

export function decodeStats(out: Buffer): EngineStats {
  expectLength(out, 8 * ENGINE_STAT_NAMES.length, 'soch_stats');
  const stats = {} as EngineStats;
  ENGINE_STAT_NAMES.forEach((name, i) => {
    stats[name] = readU64(out, 8 * i);
  });
  return stats;
}

export function expectLength(out: Buffer, min: number, fn: string): void {
  if (out.length < min) {
    throw new DatabaseError(
      `${fn} returned ${out.length} bytes, expected at least ${min}: the engine and this package disagree ` +
        'on the ABI. Reinstall @sochdb/sochdb so both come from one build.',
      'ABI_MISMATCH',
    );
  }
}
