/**
 * The open sequence of ABI.md ("Opening"): MANIFEST → every file it names (segments, collection
 * indexes) → WAL files in generation order → truncate a torn tail → `soch_open_finish` → create
 * the WAL file if told → remove orphans (segment and index files the manifest does not name, WAL
 * files below its generation, temp files of interrupted atomic writes).
 *
 * Two drivers of the one sequence: `openSync` for Node's synchronous `Database.open` (files read
 * straight into engine memory with `soch_alloc`, never copied through JS) and `openAsync` over
 * the async StorageAdapter methods, for browser storage (one copy of each file into engine memory).
 * Which files to replay and which to remove is decided once, in `walFilesToReplay` and `isOrphan`.
 */
import type { EngineInstance } from './engine/abi.js';
import { CorruptionError, SochDBError, StorageError } from './errors.js';
import { classifyFile, MANIFEST_FILE, walFileName } from './files.js';
import type { StorageAdapter, SyncStorageAdapter } from './storage/adapter.js';

export interface OpenedState {
  /** The WAL file commits append to. */
  walFile: string;
}

export function openSync(engine: EngineInstance, adapter: SyncStorageAdapter, flags: number): OpenedState {
  engine.init(flags);
  const names = io('listing the database files', () => adapter.listSync());
  const files = names.map((name) => ({ name, ...classifyFile(name) }));

  let walFloor = 0;
  const listed = new Set<string>();
  if (names.includes(MANIFEST_FILE)) {
    const manifest = readBorrowed(engine, adapter, MANIFEST_FILE, (ptr, len) => engine.loadManifest(ptr, len));
    walFloor = manifest.walGeneration;
    for (const name of manifest.files) {
      loadListedFile(engine, adapter, name);
      listed.add(name);
    }
  }

  const walFiles = walFilesToReplay(files, walFloor);
  const tornTails: Array<{ name: string; validLen: number }> = [];
  for (const wal of walFiles) {
    const replay = readBorrowed(engine, adapter, wal.name, (ptr, len) => engine.replayWal(ptr, len));
    if (replay.tornTail) tornTails.push({ name: wal.name, validLen: replay.validLen });
  }
  // Only after every file replayed: the engine allows a torn tail in the last file alone.
  for (const torn of tornTails) io(`truncating the torn tail of ${torn.name}`, () => adapter.truncateSync(torn.name, torn.validLen));

  const finish = engine.openFinish();
  const walFile = walFileName(finish.walGeneration);
  if (finish.createFile) io(`creating ${walFile}`, () => adapter.writeAtomicSync(walFile, finish.walHeader));

  for (const f of files) {
    if (isOrphan(f, listed, walFloor)) io(`removing the leftover file ${f.name}`, () => adapter.removeSync(f.name));
  }
  return { walFile };
}

/** `openSync` over the async adapter methods: the same steps, in the same order. */
export async function openAsync(engine: EngineInstance, adapter: StorageAdapter, flags: number): Promise<OpenedState> {
  engine.init(flags);
  const names = await ioAsync('listing the database files', () => adapter.list());
  const files = names.map((name) => ({ name, ...classifyFile(name) }));

  let walFloor = 0;
  const listed = new Set<string>();
  if (names.includes(MANIFEST_FILE)) {
    const manifest = await readCopied(engine, adapter, MANIFEST_FILE, (ptr, len) => engine.loadManifest(ptr, len));
    walFloor = manifest.walGeneration;
    for (const name of manifest.files) {
      const data = await ioAsync(`reading ${name}`, () => adapter.read(name));
      if (data === null) throw missingListedFile(name);
      const { ptr } = copyIn(engine, data);
      engine.loadFile(name, ptr, data.length);
      listed.add(name);
    }
  }

  const tornTails: Array<{ name: string; validLen: number }> = [];
  for (const wal of walFilesToReplay(files, walFloor)) {
    const replay = await readCopied(engine, adapter, wal.name, (ptr, len) => engine.replayWal(ptr, len));
    if (replay.tornTail) tornTails.push({ name: wal.name, validLen: replay.validLen });
  }
  for (const torn of tornTails) {
    await ioAsync(`truncating the torn tail of ${torn.name}`, () => adapter.truncate(torn.name, torn.validLen));
  }

  const finish = engine.openFinish();
  const walFile = walFileName(finish.walGeneration);
  if (finish.createFile) await ioAsync(`creating ${walFile}`, () => adapter.writeAtomic(walFile, finish.walHeader));

  for (const f of files) {
    if (isOrphan(f, listed, walFloor)) await ioAsync(`removing the leftover file ${f.name}`, () => adapter.remove(f.name));
  }
  return { walFile };
}

type ClassifiedFile = ReturnType<typeof classifyFile> & { name: string };

/** The WAL files at or above the manifest's generation, oldest first. */
function walFilesToReplay(files: ClassifiedFile[], walFloor: number): Array<{ name: string; generation: number }> {
  return files
    .flatMap((f) => (f.kind === 'wal' && f.generation >= walFloor ? [{ name: f.name, generation: f.generation }] : []))
    .sort((a, b) => a.generation - b.generation);
}

/** A file left by an interrupted checkpoint or atomic write, which nothing will read again. */
function isOrphan(f: ClassifiedFile, listed: Set<string>, walFloor: number): boolean {
  return (
    ((f.kind === 'segment' || f.kind === 'index') && !listed.has(f.name)) ||
    (f.kind === 'wal' && f.generation < walFloor) ||
    f.kind === 'temp'
  );
}

/** Reads `name`, copies it into a `soch_alloc` buffer the engine borrows, then frees it. */
async function readCopied<T>(
  engine: EngineInstance,
  adapter: StorageAdapter,
  name: string,
  use: (ptr: number, len: number) => T,
): Promise<T> {
  const data = await ioAsync(`reading ${name}`, () => adapter.read(name));
  if (data === null) throw new StorageError(`${name} disappeared while the database was opening.`);
  const { ptr } = copyIn(engine, data);
  try {
    return use(ptr, data.length);
  } finally {
    if (engine.deadError === null) engine.free(ptr, data.length);
  }
}

function copyIn(engine: EngineInstance, data: Uint8Array): { ptr: number } {
  const buffer = engine.alloc(data.length);
  buffer.view.set(data);
  return { ptr: buffer.ptr };
}

function missingListedFile(name: string): CorruptionError {
  return new CorruptionError(
    `The MANIFEST names ${name}, which is missing: the database directory is incomplete. Restore it from a backup.`,
  );
}

/** Reads `name` into a `soch_alloc` buffer the engine borrows, then frees it. */
function readBorrowed<T>(
  engine: EngineInstance,
  adapter: SyncStorageAdapter,
  name: string,
  use: (ptr: number, len: number) => T,
): T {
  let ptr = 0;
  const len = io(`reading ${name}`, () =>
    adapter.readIntoSync(name, (length) => {
      const buffer = engine.alloc(length);
      ptr = buffer.ptr;
      return buffer.view;
    }),
  );
  if (len === null) throw new StorageError(`${name} disappeared while the database was opening.`);
  try {
    return use(ptr, len);
  } finally {
    if (engine.deadError === null) engine.free(ptr, len);
  }
}

/** Reads a file the manifest names into a `soch_alloc` buffer whose ownership passes to the engine. */
function loadListedFile(engine: EngineInstance, adapter: SyncStorageAdapter, name: string): void {
  let ptr = 0;
  const len = io(`reading ${name}`, () =>
    adapter.readIntoSync(name, (length) => {
      const buffer = engine.alloc(length);
      ptr = buffer.ptr;
      return buffer.view;
    }),
  );
  if (len === null) throw missingListedFile(name);
  engine.loadFile(name, ptr, len);
}

/** Runs one storage call, turning an adapter failure into a `StorageError`. */
function io<T>(what: string, call: () => T): T {
  try {
    return call();
  } catch (e) {
    throw openFailure(what, e);
  }
}

async function ioAsync<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw openFailure(what, e);
  }
}

function openFailure(what: string, e: unknown): SochDBError {
  if (e instanceof SochDBError) return e;
  return new StorageError(`Opening the database failed while ${what}: ${e instanceof Error ? e.message : String(e)}.`, {
    cause: e,
  });
}
