/**
 * Test doubles for the WAL writer: a fake engine with the WAL calls' contract (pending records,
 * take, mark durable, checkpoint refusing undrained WAL) and an adapter that records every
 * operation and can fail or stall on demand.
 */
import type { CheckpointFiles } from '../../pkg-ts/src/engine/abi.js';
import type { WalTake } from '../../pkg-ts/src/engine/outputs.js';
import { indexFileName, segmentFileName } from '../../pkg-ts/src/files.js';
import { MemoryAdapter } from '../../pkg-ts/src/storage/memory-adapter.js';
import type { WalEngine } from '../../pkg-ts/src/wal-writer.js';

export class FakeWalEngine implements WalEngine {
  lastSeq = 0;
  durableSeq = 0;
  pending: Buffer[] = [];
  memtable = 0;
  generation = 1;
  segmentId = 0;
  changedSinceCheckpoint = false;
  checkpoints = 0;
  /** Whether checkpoints also write (and replace) a collection index file. */
  withIndexFiles = false;

  /** A commit: the engine appends its record to the pending WAL. */
  commit(): number {
    this.lastSeq++;
    this.pending.push(Buffer.from(`r${this.lastSeq};`));
    this.changedSinceCheckpoint = true;
    return this.lastSeq;
  }

  walPending(): number {
    return this.pending.reduce((n, b) => n + b.length, 0);
  }

  walTake(): WalTake {
    const records = Buffer.concat(this.pending);
    this.pending = [];
    return { lastSeq: this.lastSeq, records };
  }

  walMarkDurable(seq: number): void {
    if (seq < this.durableSeq) throw new Error(`durable seq went backwards: ${seq} < ${this.durableSeq}`);
    this.durableSeq = seq;
  }

  /** When set, checkpoints throw it (as the engine's OUT_OF_MEMORY does), changing nothing. */
  checkpointError: Error | null = null;

  checkpoint(force: boolean): CheckpointFiles | null {
    if (this.pending.length > 0) throw new Error('INVALID_STATE: checkpoint with undrained WAL');
    if (this.checkpointError !== null) throw this.checkpointError;
    if (!this.changedSinceCheckpoint && !force) return null;
    this.changedSinceCheckpoint = false;
    this.checkpoints++;
    this.memtable = 0;
    const obsolete = this.segmentId === 0 ? [] : [segmentFileName(this.segmentId)];
    this.segmentId++;
    this.generation++;
    const writes = [{ name: segmentFileName(this.segmentId), data: Buffer.from(`segment ${this.segmentId} up to ${this.lastSeq}`) }];
    // Like a collection changed since the last checkpoint: its index file is rewritten under a new name.
    if (this.withIndexFiles) {
      writes.push({ name: indexFileName(this.segmentId), data: Buffer.from(`index ${this.segmentId}`) });
      if (this.segmentId > 1) obsolete.push(indexFileName(this.segmentId - 1));
    }
    return {
      writes,
      manifest: Buffer.from(`manifest ${this.segmentId}`),
      removes: obsolete,
      walGeneration: this.generation,
      walHeader: Buffer.from(`header ${this.generation}`),
    };
  }

  memtableBytes(): number {
    return this.memtable;
  }
}

export class RecordingAdapter extends MemoryAdapter {
  readonly log: string[] = [];
  failOn: ((op: string, name: string) => boolean) | null = null;
  /** When set, `flush` waits for this promise. */
  flushGate: Promise<void> | null = null;

  override async append(name: string, data: Uint8Array): Promise<void> {
    this.#record('append', name);
    await super.append(name, data);
  }

  override async flush(name: string): Promise<void> {
    this.#record('flush', name);
    if (this.flushGate) await this.flushGate;
    await super.flush(name);
  }

  override async writeAtomic(name: string, data: Uint8Array): Promise<void> {
    this.#record('writeAtomic', name);
    await super.writeAtomic(name, data);
  }

  override async remove(name: string): Promise<void> {
    this.#record('remove', name);
    await super.remove(name);
  }

  count(op: string): number {
    return this.log.filter((entry) => entry.startsWith(`${op} `)).length;
  }

  #record(op: string, name: string): void {
    this.log.push(`${op} ${name}`);
    if (this.failOn?.(op, name)) throw Object.assign(new Error(`EIO: ${op} ${name} failed`), { code: 'EIO' });
  }
}
