/**
 * The open sequence of ABI.md ("Opening"), synchronous for Node's `Database.open`:
 * MANIFEST → every file it names (segments, collection indexes) → WAL files in generation order →
 * truncate a torn tail → `soch_open_finish` → create the WAL file if told → remove orphans
 * (segment and index files the manifest does not name, WAL files below its generation, temp files
 * of interrupted atomic writes).
 * Files are read straight into engine memory (`soch_alloc`), never copied through JS.
 */
import type { EngineInstance } from './engine/abi.js';
import { CorruptionError, SochDBError, StorageError } from './errors.js';
import { classifyFile, MANIFEST_FILE, walFileName } from './files.js';
import type { SyncStorageAdapter } from './storage/adapter.js';

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

  const walFiles = files
    .flatMap((f) => (f.kind === 'wal' && f.generation >= walFloor ? [{ name: f.name, generation: f.generation }] : []))
    .sort((a, b) => a.generation - b.generation);
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
    const orphan =
      ((f.kind === 'segment' || f.kind === 'index') && !listed.has(f.name)) ||
      (f.kind === 'wal' && f.generation < walFloor) ||
      f.kind === 'temp';
    if (orphan) io(`removing the leftover file ${f.name}`, () => adapter.removeSync(f.name));
  }
  return { walFile };
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
  if (len === null) {
    throw new CorruptionError(
      `The MANIFEST names ${name}, which is missing: the database directory is incomplete. Restore it from a backup.`,
    );
  }
  engine.loadFile(name, ptr, len);
}

/** Runs one storage call, turning an adapter failure into a `StorageError`. */
function io<T>(what: string, call: () => T): T {
  try {
    return call();
  } catch (e) {
    if (e instanceof SochDBError) throw e;
    throw new StorageError(`Opening the database failed while ${what}: ${e instanceof Error ? e.message : String(e)}.`, {
      cause: e,
    });
  }
}
