/**
 * The built browser entry under `window.sochdb`, plus test hooks:
 * - `killEngineWorker()` terminates the newest engine worker the package started, as a crash
 *   would (the page's `Worker` is wrapped to record them; the package is not changed);
 * - `startWorkload(options)` runs the crash test's writers (`workload.ts`) on a database and
 *   reports each acknowledged op through `reportAck` (a function the test exposes) as its promise
 *   resolves; `workloadStopped()` resolves when every writer stopped, with their errors;
 * - `readAll(name, storage)` opens the database (waiting for its lock), returns every entry, closes.
 */
import * as sochdb from '@sochdb/sochdb';
import { opLabel, opValue, TXN_KEYS } from './workload.js';

type StorageKind = 'opfs' | 'indexeddb' | 'memory';
const page = globalThis as unknown as Record<string, unknown> & { reportAck?: (label: string) => void };

const workers: Worker[] = [];
const NativeWorker = globalThis.Worker;
globalThis.Worker = class extends NativeWorker {
  constructor(url: string | URL, options?: WorkerOptions) {
    super(url, options);
    workers.push(this);
  }
};

function killEngineWorker(): void {
  const worker = workers.at(-1);
  if (worker === undefined) throw new Error('no engine worker was started');
  worker.terminate();
}

interface WorkloadOptions {
  name: string;
  storage: StorageKind;
  round: number;
  writers: number;
  /** Small, so that checkpoints run (and get killed) during the workload. */
  memtableSizeBytes: number;
  /** Resolve once this many ops were acknowledged. */
  ackedBeforeReturn: number;
}

let stopped: Promise<string[]> = Promise.resolve([]);
const acked: string[] = [];

async function startWorkload(o: WorkloadOptions): Promise<void> {
  const db = await sochdb.Database.open(o.name, { storage: o.storage, memtableSizeBytes: o.memtableSizeBytes, lock: 'wait' });
  const enc = new TextEncoder();
  let reached: () => void = () => {};
  const enough = new Promise<void>((resolve) => (reached = resolve));
  const ack = (label: string): void => {
    acked.push(label);
    page.reportAck?.(label);
    if (acked.length >= o.ackedBeforeReturn) reached();
  };
  const writer = async (w: number): Promise<string> => {
    try {
      for (let n = 0; ; n++) {
        const label = opLabel(o.round, w, n);
        const value = enc.encode(opValue(label));
        if (label.startsWith('t:')) {
          const txn = db.beginTransaction();
          for (const part of TXN_KEYS) await txn.put(enc.encode(`${label}:${part}`), value);
          await txn.put(enc.encode(`c:${o.round}:${w}`), enc.encode(String(n)));
          await txn.commit();
        } else {
          await db.put(enc.encode(label), value);
        }
        ack(label);
      }
    } catch (e) {
      reached();
      return (e as Error).name;
    }
  };
  stopped = Promise.all(Array.from({ length: o.writers }, (_, w) => writer(w)));
  await enough;
}

async function readAll(name: string, storage: StorageKind): Promise<Array<[string, string]>> {
  const db = await sochdb.Database.open(name, { storage, lock: 'wait' });
  const enc = new TextEncoder();
  const entries: Array<[string, string]> = [];
  try {
    for await (const [key, value] of db.scan(enc.encode('a'), enc.encode('z'))) entries.push([key.toString(), value.toString()]);
  } finally {
    await db.close();
  }
  return entries;
}

Object.assign(page, {
  sochdb,
  killEngineWorker,
  startWorkload,
  workloadStopped: async () => ({ errors: await stopped, acked: [...acked] }),
  readAll,
  pageReady: true,
});
