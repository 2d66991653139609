/**
 * Decoders for the engine's output-buffer layouts (ABI.md). Each takes a copy of the output
 * buffer (a `Buffer`), so it stays valid across later engine calls. Integers are little-endian;
 * `u64` values the host reads are below 2^53 (ABI.md, "Integers").
 */
import { DatabaseError } from '../errors.js';

export function readU64(buf: Buffer, offset: number): number {
  return buf.readUInt32LE(offset) + buf.readUInt32LE(offset + 4) * 0x1_0000_0000;
}

/** `soch_load_manifest`: `wal_generation u64 | segment_count u32 | segment_id u64 * count`. */
export interface ManifestInfo {
  walGeneration: number;
  /** Newest first. */
  segmentIds: number[];
}

export function decodeManifestInfo(out: Buffer): ManifestInfo {
  expectLength(out, 12, 'soch_load_manifest');
  const walGeneration = readU64(out, 0);
  const count = out.readUInt32LE(8);
  expectLength(out, 12 + 8 * count, 'soch_load_manifest');
  const segmentIds: number[] = [];
  for (let i = 0; i < count; i++) segmentIds.push(readU64(out, 12 + 8 * i));
  return { walGeneration, segmentIds };
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

/**
 * `soch_checkpoint` (status 1): `segment_id u64 | segment_ptr u32 | segment_len u32 |
 * manifest_len u32 | manifest | obsolete_count u32 | obsolete_segment_id u64 * n |
 * wal_generation u64 | wal_header (16 bytes)`. The segment itself lives in engine memory; the
 * caller copies it (`segmentPtr`, `segmentLen`) before the next await.
 */
export interface CheckpointLayout {
  segmentId: number;
  segmentPtr: number;
  segmentLen: number;
  manifest: Buffer;
  obsoleteSegmentIds: number[];
  walGeneration: number;
  walHeader: Buffer;
}

export function decodeCheckpoint(out: Buffer): CheckpointLayout {
  expectLength(out, 20, 'soch_checkpoint');
  const segmentId = readU64(out, 0);
  const segmentPtr = out.readUInt32LE(8);
  const segmentLen = out.readUInt32LE(12);
  const manifestLen = out.readUInt32LE(16);
  let at = 20;
  expectLength(out, at + manifestLen + 4, 'soch_checkpoint');
  const manifest = out.subarray(at, at + manifestLen);
  at += manifestLen;
  const obsoleteCount = out.readUInt32LE(at);
  at += 4;
  expectLength(out, at + 8 * obsoleteCount + 24, 'soch_checkpoint');
  const obsoleteSegmentIds: number[] = [];
  for (let i = 0; i < obsoleteCount; i++, at += 8) obsoleteSegmentIds.push(readU64(out, at));
  const walGeneration = readU64(out, at);
  const walHeader = out.subarray(at + 8, at + 24);
  return { segmentId, segmentPtr, segmentLen, manifest, obsoleteSegmentIds, walGeneration, walHeader };
}

/** `soch_stats`: 12 × u64, in this order. */
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

function expectLength(out: Buffer, min: number, fn: string): void {
  if (out.length < min) {
    throw new DatabaseError(
      `${fn} returned ${out.length} bytes, expected at least ${min}: the engine and this package disagree ` +
        'on the ABI. Reinstall @sochdb/sochdb so both come from one build.',
      'ABI_MISMATCH',
    );
  }
}
