/**
 * Holds OPFS and IndexedDB adapters in a dedicated worker and runs their methods for the page
 * (and so for the Node-side conformance suite). Errors keep their `code` via the error transfer.
 */
import { expose } from 'comlink';
import { installErrorTransfer } from '../../../pkg-ts/src/browser/error-transfer.js';
import { IdbAdapter } from '../../../pkg-ts/src/browser/idb-adapter.js';
import { OpfsAdapter } from '../../../pkg-ts/src/browser/opfs-adapter.js';
import type { StorageAdapter } from '../../../pkg-ts/src/storage/adapter.js';

installErrorTransfer();
const adapters = new Map<number, StorageAdapter>();
let nextId = 1;

expose({
  make(kind: 'opfs' | 'indexeddb', name: string): number {
    const id = nextId++;
    adapters.set(id, kind === 'opfs' ? new OpfsAdapter(name) : new IdbAdapter(name));
    return id;
  },
  call(id: number, method: keyof StorageAdapter, args: unknown[]): Promise<unknown> {
    const adapter = adapters.get(id)!;
    return (adapter[method] as (...a: unknown[]) => Promise<unknown>).apply(adapter, args);
  },
});
