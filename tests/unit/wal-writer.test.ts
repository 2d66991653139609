import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import type { SyncMode } from '../../pkg-ts/src/config.js';
import { DatabaseError, StorageError } from '../../pkg-ts/src/errors.js';
import { WalWriter } from '../../pkg-ts/src/wal-writer.js';
import { FakeWalEngine, RecordingAdapter } from './fake-engine.js';

const WAL = 'wal-0000000000000001.log';

function setup(options: { syncMode?: SyncMode; groupCommit?: boolean; walEnabled?: boolean; memtableSizeBytes?: number } = {}) {
  const engine = new FakeWalEngine();
  const adapter = new RecordingAdapter();
  adapter.writeAtomicSync(WAL, Buffer.from('header 1'));
  const onFatal = vi.fn();
  const writer = new WalWriter(engine, adapter, {
    syncMode: options.syncMode ?? 'full',
    groupCommit: options.groupCommit ?? true,
    walEnabled: options.walEnabled ?? true,
    memtableSizeBytes: options.memtableSizeBytes ?? 1 << 20,
    walFile: WAL,
    onFatal,
  });
  /** An engine commit followed by the wait for durability, as the database does it. */
  const commit = (): Promise<void> => {
    engine.commit();
    return writer.durable();
  };
  return { engine, adapter, writer, onFatal, commit };
}

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('WalWriter, syncMode full', () => {
  it('gives commits made together one append and one flush (group commit)', async () => {
    const { engine, adapter, commit } = setup();
    await Promise.all(Array.from({ length: 100 }, commit));
    expect(adapter.count('append')).toBe(1);
    expect(adapter.count('flush')).toBe(1);
    expect(engine.durableSeq).toBe(100);
    expect(Buffer.from((await adapter.read(WAL))!).toString()).toContain('r1;r2;');
  });

  it('groups the commits that arrive during a flush into the next append', async () => {
    const { engine, adapter, commit } = setup();
    const stall = gate();
    adapter.flushGate = stall.promise;
    const first = commit();
    await sleep(5); // the first group is now in its flush
    const rest = Array.from({ length: 9 }, commit);
    expect(engine.durableSeq).toBe(0);
    stall.open();
    await Promise.all([first, ...rest]);
    expect(adapter.count('append')).toBe(2);
    expect(adapter.count('flush')).toBe(2);
    expect(engine.durableSeq).toBe(10);
  });

  it('resolves a commit only after its record is flushed and marked durable', async () => {
    const { engine, adapter, commit } = setup();
    const stall = gate();
    adapter.flushGate = stall.promise;
    let resolved = false;
    const done = commit().then(() => (resolved = true));
    await sleep(5);
    expect(resolved).toBe(false);
    expect(engine.durableSeq).toBe(0);
    stall.open();
    await done;
    expect(engine.durableSeq).toBe(1);
  });

  it('flushes once per commit with groupCommit false', async () => {
    const { engine, adapter, commit } = setup({ groupCommit: false });
    await Promise.all(Array.from({ length: 10 }, commit));
    expect(adapter.count('append')).toBe(10);
    expect(adapter.count('flush')).toBe(10);
    expect(engine.durableSeq).toBe(10);
  });
});

describe('WalWriter, relaxed modes', () => {
  it("'normal' resolves after the append and fsyncs within the stated delay", async () => {
    const { adapter, commit } = setup({ syncMode: 'normal' });
    await commit();
    expect(adapter.count('append')).toBe(1);
    expect(adapter.count('flush')).toBe(0);
    await sleep(120);
    expect(adapter.count('flush')).toBe(1);
  });

  it("'off' resolves at once and appends lazily without fsync", async () => {
    const { engine, adapter, commit } = setup({ syncMode: 'off' });
    await commit();
    await commit();
    expect(adapter.count('append')).toBe(0);
    await sleep(120);
    expect(adapter.count('append')).toBe(1);
    expect(adapter.count('flush')).toBe(0);
    expect(engine.durableSeq).toBe(2);
  });

  it('with the WAL disabled, resolves at once and never appends', async () => {
    const { adapter, writer } = setup({ walEnabled: false });
    await writer.durable();
    await sleep(80);
    expect(adapter.count('append')).toBe(0);
  });
});

describe('WalWriter checkpoints', () => {
  it('write segment, new WAL, MANIFEST in that order, then remove what they replace', async () => {
    const { adapter, writer, commit } = setup();
    await commit();
    await writer.checkpoint();
    await commit();
    await writer.checkpoint();
    const second = adapter.log.slice(adapter.log.indexOf('writeAtomic seg-0000000000000002.sst'));
    expect(second).toEqual([
      'writeAtomic seg-0000000000000002.sst',
      'writeAtomic wal-0000000000000003.log',
      'writeAtomic MANIFEST',
      'remove seg-0000000000000001.sst',
      'remove wal-0000000000000002.log',
    ]);
    expect(adapter.listSync().sort()).toEqual(['MANIFEST', 'seg-0000000000000002.sst', 'wal-0000000000000003.log']);
    expect(writer.stats().walFile).toBe('wal-0000000000000003.log');
  });

  it('write every listed file (segment and index) before the new WAL and MANIFEST, and remove the listed ones after', async () => {
    const { engine, adapter, writer, commit } = setup();
    engine.withIndexFiles = true;
    await commit();
    await writer.checkpoint();
    await commit();
    await writer.checkpoint();
    const second = adapter.log.slice(adapter.log.indexOf('writeAtomic seg-0000000000000002.sst'));
    expect(second).toEqual([
      'writeAtomic seg-0000000000000002.sst',
      'writeAtomic idx-0000000000000002.vix',
      'writeAtomic wal-0000000000000003.log',
      'writeAtomic MANIFEST',
      'remove seg-0000000000000001.sst',
      'remove idx-0000000000000001.vix',
      'remove wal-0000000000000002.log',
    ]);
    expect(adapter.listSync().sort()).toEqual([
      'MANIFEST',
      'idx-0000000000000002.vix',
      'seg-0000000000000002.sst',
      'wal-0000000000000003.log',
    ]);
  });

  it('persist pending records before checkpointing (the engine refuses otherwise)', async () => {
    const { engine, adapter, writer } = setup({ syncMode: 'off' });
    engine.commit();
    await writer.durable();
    await writer.checkpoint();
    expect(engine.checkpoints).toBe(1);
    expect(adapter.log.indexOf(`append ${WAL}`)).toBeLessThan(adapter.log.indexOf('writeAtomic MANIFEST'));
  });

  it('append commits made after a checkpoint to the new WAL file', async () => {
    const { adapter, writer, commit } = setup();
    await commit();
    await writer.checkpoint();
    await commit();
    expect(Buffer.from((await adapter.read('wal-0000000000000002.log'))!).toString()).toBe('header 2r2;');
  });

  it('run automatically once the memtable passes memtableSizeBytes', async () => {
    const { engine, commit } = setup({ memtableSizeBytes: 100 });
    await commit();
    expect(engine.checkpoints).toBe(0);
    engine.memtable = 101;
    await commit();
    await sleep(5);
    expect(engine.checkpoints).toBe(1);
  });

  it('skip the files when nothing changed', async () => {
    const { adapter, writer } = setup();
    await writer.checkpoint();
    expect(adapter.count('writeAtomic')).toBe(0);
  });

  it('close with a final checkpoint', async () => {
    const { engine, writer, commit } = setup({ syncMode: 'normal' });
    await commit();
    await writer.close();
    expect(engine.checkpoints).toBe(1);
  });
});

describe('WalWriter failures', () => {
  it('reject the group and every later commit after an I/O error, and report it once', async () => {
    const { engine, adapter, writer, onFatal, commit } = setup();
    adapter.failOn = (op) => op === 'flush';
    const results = await Promise.allSettled([commit(), commit()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    const error = (results[0] as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(StorageError);
    expect(error.message).toMatch(/reopen/);
    expect(engine.durableSeq).toBe(0);
    await expect(commit()).rejects.toBe(error);
    await expect(writer.checkpoint()).rejects.toBe(error);
    expect(onFatal).toHaveBeenCalledTimes(1);
    expect(writer.failure).toBe(error);
  });

  it('resolve the commits a refused checkpoint persisted first (they are durable), then refuse the rest', async () => {
    const { engine, writer, onFatal, commit } = setup();
    const refused = new DatabaseError('A checkpoint needs more memory than the engine can hold', 'OUT_OF_MEMORY');
    engine.checkpointError = refused;
    const persistedFirst = commit();
    const checkpoint = writer.checkpoint();
    await expect(checkpoint).rejects.toBe(refused);
    await expect(persistedFirst).resolves.toBeUndefined();
    expect(engine.durableSeq).toBe(1);
    await expect(commit()).rejects.toBe(refused);
    expect(onFatal).toHaveBeenCalledTimes(1);
  });

  it('reject a checkpoint whose MANIFEST write fails, keeping the old MANIFEST', async () => {
    const { adapter, writer, commit } = setup();
    await commit();
    await writer.checkpoint();
    const before = Buffer.from((await adapter.read('MANIFEST'))!).toString();
    await commit();
    adapter.failOn = (op, name) => op === 'writeAtomic' && name === 'MANIFEST';
    await expect(writer.checkpoint()).rejects.toBeInstanceOf(StorageError);
    expect(Buffer.from((await adapter.read('MANIFEST'))!).toString()).toBe(before);
    expect(adapter.log.at(-1)).toBe('writeAtomic MANIFEST');
  });
});

describe('WalWriter under a steady stream of commits', () => {
  it('still checkpoints once the memtable is full', async () => {
    const { engine, commit } = setup({ memtableSizeBytes: 100 });
    engine.memtable = 101;
    for (let i = 0; i < 20; i++) await commit(); // each commit waits: a group is always queued
    expect(engine.checkpoints).toBeGreaterThanOrEqual(1);
  });

  it("still fsyncs within the delay in 'normal' mode", async () => {
    const { adapter, commit } = setup({ syncMode: 'normal' });
    const started = Date.now();
    while (Date.now() - started < 150) await commit();
    expect(adapter.count('flush')).toBeGreaterThanOrEqual(1);
  });
});

describe('WalWriter with a dead engine', () => {
  it('rejects waiting commits instead of leaving an unhandled rejection', async () => {
    const { engine, commit, onFatal } = setup();
    await commit();
    const dead = Object.assign(new Error('engine trapped'), { code: 'ENGINE_TRAPPED' });
    engine.memtableBytes = () => {
      throw dead;
    };
    engine.walTake = () => {
      throw dead;
    };
    await expect(commit()).rejects.toBeInstanceOf(StorageError);
    expect(onFatal).toHaveBeenCalledTimes(1);
  });
});
