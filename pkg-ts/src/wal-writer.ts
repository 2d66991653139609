/**
 * Persists what the engine hands out, in one serial loop per database: WAL records after commits
 * (group commit) and checkpoints. Nothing else touches the database's files while it is open.
 *
 * After an engine commit the caller awaits `durable()`:
 * - group commit (default): every commit waiting when the loop comes round forms one group:
 *   one `soch_wal_take`, one append, one flush (`'full'`), then `soch_wal_mark_durable(last_seq)`
 *   makes the group visible and its promises resolve. Commits arriving meanwhile form the next.
 * - `groupCommit: false`: each commit's records are taken at once and get their own append+flush.
 * - `'normal'`: resolves after the append; an fsync follows within `NORMAL_SYNC_DELAY_MS`.
 * - `'off'` or WAL disabled: resolves at once (the engine runs with VISIBLE_ON_COMMIT); records
 *   are appended within `OFF_APPEND_DELAY_MS` (sooner past `OFF_APPEND_BYTES_MAX` pending), never
 *   fsync'ed.
 * Checkpoints run in the same loop: automatically once the memtable passes `memtableSizeBytes`,
 * and on `checkpoint()` / `close()`, persisting in ABI.md's order.
 *
 * Any failure poisons the writer: every waiting and later call is rejected, since memory would
 * otherwise diverge from disk. `onFatal` tells the database, which then refuses all calls.
 */
import { NORMAL_SYNC_DELAY_MS, OFF_APPEND_BYTES_MAX, OFF_APPEND_DELAY_MS, type SyncMode } from './config.js';
import type { CheckpointFiles } from './engine/abi.js';
import type { WalTake } from './engine/outputs.js';
import { DatabaseError, SochDBError, StorageError } from './errors.js';
import { classifyFile, MANIFEST_FILE, walFileName } from './files.js';
import type { StorageAdapter } from './storage/adapter.js';
import type { WalWriterStats } from './types.js';

/** The engine calls the writer needs (an `EngineInstance` has them; tests use a fake). */
export interface WalEngine {
  walPending(): number;
  walTake(): WalTake;
  walMarkDurable(seq: number): void;
  checkpoint(force: boolean): CheckpointFiles | null;
  memtableBytes(): number;
}

export interface WalWriterOptions {
  syncMode: SyncMode;
  groupCommit: boolean;
  walEnabled: boolean;
  memtableSizeBytes: number;
  /** The WAL file commits append to (from the open sequence). */
  walFile: string;
  onFatal: (error: SochDBError) => void;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Chunk {
  take: WalTake;
  waiters: Waiter[];
}

const RESOLVED = Promise.resolve();

export class WalWriter {
  readonly #engine: WalEngine;
  readonly #adapter: StorageAdapter;
  readonly #options: WalWriterOptions;
  /** Whether a commit's promise waits for its records to reach storage. */
  readonly #waitsForStorage: boolean;
  #walFile: string;

  #waiting: Waiter[] = [];
  #chunks: Chunk[] = [];
  #checkpointWaiters: Waiter[] = [];
  #appendDue = false;
  #syncDue = false;
  /** When the oldest unsynced append ('normal') or untaken commit ('off') happened, or null. */
  #unsyncedSince: number | null = null;
  #untakenSince: number | null = null;
  /** Set by commits, cleared by checkpoints: an auto-checkpoint needs new writes to be useful. */
  #writtenSinceCheckpoint = false;

  #running = false;
  #idle: Array<() => void> = [];
  #appendTimer: ReturnType<typeof setTimeout> | null = null;
  #syncTimer: ReturnType<typeof setTimeout> | null = null;
  #failure: SochDBError | null = null;
  readonly #stats = { appends: 0, flushes: 0, bytesAppended: 0, checkpoints: 0 };

  constructor(engine: WalEngine, adapter: StorageAdapter, options: WalWriterOptions) {
    this.#engine = engine;
    this.#adapter = adapter;
    this.#options = options;
    this.#walFile = options.walFile;
    this.#waitsForStorage = options.walEnabled && options.syncMode !== 'off';
  }

  /** Call right after each engine commit: resolves when that commit is durable per the sync mode. */
  durable(): Promise<void> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    this.#writtenSinceCheckpoint = true;
    if (!this.#waitsForStorage) {
      if (this.#options.walEnabled) this.#noteUntaken();
      if (this.#appendDue || this.#memtableFull()) this.#kick();
      return RESOLVED;
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = { resolve, reject };
      if (this.#options.groupCommit) {
        this.#waiting.push(waiter);
      } else {
        this.#chunks.push({ take: this.#engine.walTake(), waiters: [waiter] });
      }
      this.#kick();
    });
  }

  /** Persists pending WAL records, then checkpoints if anything changed. */
  checkpoint(): Promise<void> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    return new Promise<void>((resolve, reject) => {
      this.#checkpointWaiters.push({ resolve, reject });
      this.#kick();
    });
  }

  /** Final checkpoint (unless poisoned), then stops the timers. Later calls are the caller's bug. */
  async close(): Promise<void> {
    this.#clearTimers();
    if (this.#failure === null) await this.checkpoint();
    await this.#whenIdle();
    this.#clearTimers();
  }

  /** The failure that poisoned the writer, or null. */
  get failure(): SochDBError | null {
    return this.#failure;
  }

  stats(): WalWriterStats {
    return { ...this.#stats, walFile: this.#walFile };
  }

  // --- the loop ----------------------------------------------------------------------------

  #kick(): void {
    if (this.#running || this.#failure !== null) return;
    this.#running = true;
    // A microtask later, so commits made in the same synchronous run join the first group.
    queueMicrotask(() => void this.#run());
  }

  async #run(): Promise<void> {
    try {
      await this.#drain();
    } catch (e) {
      this.#poison(e, []);
    }
    this.#running = false;
    if (this.#failure === null && this.#hasWork()) {
      this.#kick();
    } else {
      for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  #hasWork(): boolean {
    return (
      this.#chunks.length > 0 ||
      this.#waiting.length > 0 ||
      this.#appendDue ||
      this.#checkpointWaiters.length > 0 ||
      this.#syncDue ||
      this.#memtableFull()
    );
  }

  /**
   * One step at a time until idle. Checkpoints and the delayed fsync go before the next group:
   * under a steady stream of commits a group is always waiting, and they would never run.
   */
  async #drain(): Promise<void> {
    while (this.#failure === null) {
      if (this.#checkpointWaiters.length > 0 || this.#memtableFull()) {
        await this.#checkpointStep();
        continue;
      }
      if (this.#syncDue) {
        this.#syncDue = false;
        this.#unsyncedSince = null;
        await this.#adapter.flush(this.#walFile);
        this.#stats.flushes++;
        continue;
      }
      const chunk = this.#chunks.shift();
      if (chunk !== undefined) {
        await this.#persist(chunk.take, chunk.waiters);
      } else if (this.#waiting.length > 0 || this.#appendDue) {
        this.#appendDue = false;
        this.#untakenSince = null;
        await this.#persistGroup();
      } else {
        return;
      }
    }
  }

  /** Takes every pending record: the group of all commits waiting now. */
  async #persistGroup(deferTo?: Waiter[]): Promise<void> {
    const waiters = this.#waiting;
    this.#waiting = [];
    let take: WalTake;
    try {
      take = this.#engine.walTake();
    } catch (e) {
      throw this.#poison(e, waiters);
    }
    await this.#persist(take, waiters, deferTo);
  }

  /** Appends (and flushes) `take`, marks it durable, then resolves `waiters` (or hands them to `deferTo`). */
  async #persist(take: WalTake, waiters: Waiter[], deferTo?: Waiter[]): Promise<void> {
    try {
      if (take.records.length > 0) {
        await this.#adapter.append(this.#walFile, take.records);
        this.#stats.appends++;
        this.#stats.bytesAppended += take.records.length;
        if (this.#options.syncMode === 'full') {
          await this.#adapter.flush(this.#walFile);
          this.#stats.flushes++;
        } else if (this.#options.syncMode === 'normal') {
          this.#noteUnsynced();
        }
      }
      this.#engine.walMarkDurable(take.lastSeq);
    } catch (e) {
      throw this.#poison(e, waiters);
    }
    if (deferTo !== undefined) deferTo.push(...waiters);
    else for (const waiter of waiters) waiter.resolve();
  }

  async #checkpointStep(): Promise<void> {
    const waiters = this.#checkpointWaiters;
    this.#checkpointWaiters = [];
    this.#writtenSinceCheckpoint = false;
    // Durable commits whose promises resolve only after `soch_checkpoint`: resolving them earlier
    // lets each committer commit again at once, and pending WAL would never reach zero.
    const durable: Waiter[] = [];
    let files: CheckpointFiles | null;
    try {
      // The engine refuses to checkpoint while WAL records are not yet persisted.
      while (this.#chunks.length > 0 || this.#engine.walPending() > 0) {
        const chunk = this.#chunks.shift();
        if (chunk !== undefined) await this.#persist(chunk.take, chunk.waiters, durable);
        else await this.#persistGroup(durable);
      }
      files = this.#engine.checkpoint(false);
    } catch (e) {
      // Commits persisted above are durable whatever the checkpoint did: they succeed.
      for (const waiter of durable) waiter.resolve();
      throw this.#poison(e, waiters);
    }
    for (const waiter of durable) waiter.resolve();
    try {
      if (files !== null) await this.#writeCheckpoint(files);
    } catch (e) {
      throw this.#poison(e, waiters);
    }
    for (const waiter of waiters) waiter.resolve();
  }

  /**
   * ABI.md order: the listed files (segments, collection indexes), the new WAL file, MANIFEST (the
   * commit point), then the files it no longer names and the WAL files below its generation.
   */
  async #writeCheckpoint(files: CheckpointFiles): Promise<void> {
    const newWal = walFileName(files.walGeneration);
    if (newWal === this.#walFile) {
      throw new DatabaseError(`The engine's checkpoint reused WAL generation ${files.walGeneration}.`, 'INTERNAL');
    }
    for (const file of files.writes) await this.#adapter.writeAtomic(file.name, file.data);
    await this.#adapter.writeAtomic(newWal, files.walHeader);
    this.#walFile = newWal;
    await this.#adapter.writeAtomic(MANIFEST_FILE, files.manifest);
    this.#syncDue = false; // the old WAL's unsynced tail is covered by the segment now
    this.#unsyncedSince = null;
    this.#stats.checkpoints++;
    for (const name of files.removes) await this.#adapter.remove(name);
    for (const name of await this.#adapter.list()) {
      const file = classifyFile(name);
      if (file.kind === 'wal' && file.generation < files.walGeneration) await this.#adapter.remove(name);
    }
  }

  // --- timers and failure ------------------------------------------------------------------

  /** Never throws (it runs outside the loop's error handling): a dead engine poisons instead. */
  #memtableFull(): boolean {
    if (!this.#writtenSinceCheckpoint || this.#failure !== null) return false;
    try {
      return this.#engine.memtableBytes() > this.#options.memtableSizeBytes;
    } catch (e) {
      this.#poison(e, []);
      return false;
    }
  }

  /**
   * 'off': a commit left records pending. They are appended within OFF_APPEND_DELAY_MS, by a
   * timer or, when awaited commits keep the event loop from reaching timers, by this clock check;
   * sooner past OFF_APPEND_BYTES_MAX.
   */
  #noteUntaken(): void {
    const now = Date.now();
    if (this.#untakenSince === null) {
      this.#untakenSince = now;
      this.#appendTimer ??= setTimeout(() => {
        this.#appendTimer = null;
        if (this.#untakenSince === null) return; // appended meanwhile
        this.#appendDue = true;
        this.#kick();
      }, OFF_APPEND_DELAY_MS);
    } else if (now - this.#untakenSince >= OFF_APPEND_DELAY_MS || this.#engine.walPending() > OFF_APPEND_BYTES_MAX) {
      this.#appendDue = true;
    }
  }

  /** 'normal': an append is not yet fsync'ed. Synced within NORMAL_SYNC_DELAY_MS, as above. */
  #noteUnsynced(): void {
    const now = Date.now();
    if (this.#unsyncedSince === null) {
      this.#unsyncedSince = now;
      this.#syncTimer ??= setTimeout(() => {
        this.#syncTimer = null;
        if (this.#unsyncedSince === null) return; // synced meanwhile
        this.#syncDue = true;
        this.#kick();
      }, NORMAL_SYNC_DELAY_MS);
    } else if (now - this.#unsyncedSince >= NORMAL_SYNC_DELAY_MS) {
      this.#syncDue = true;
    }
  }

  #clearTimers(): void {
    if (this.#appendTimer !== null) clearTimeout(this.#appendTimer);
    if (this.#syncTimer !== null) clearTimeout(this.#syncTimer);
    this.#appendTimer = null;
    this.#syncTimer = null;
  }

  #whenIdle(): Promise<void> {
    if (!this.#running) return RESOLVED;
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Records the first failure, rejects everyone waiting, and returns the error to throw. */
  #poison(e: unknown, waiters: Waiter[]): SochDBError {
    if (this.#failure === null) {
      this.#failure =
        e instanceof SochDBError
          ? e
          : new StorageError(
              `Writing the database's files failed (${e instanceof Error ? e.message : String(e)}). ` +
                'The database stopped accepting calls so that memory and disk cannot diverge: reopen it ' +
                '(everything committed before this error is recovered from disk).',
              { cause: e },
            );
      this.#clearTimers();
      this.#options.onFatal(this.#failure);
    }
    const failure = this.#failure;
    const everyone = [...waiters, ...this.#waiting, ...this.#chunks.flatMap((c) => c.waiters), ...this.#checkpointWaiters];
    this.#waiting = [];
    this.#chunks = [];
    this.#checkpointWaiters = [];
    for (const waiter of everyone) waiter.reject(failure);
    return failure;
  }
}
