/**
 * @sochdb/sochdb in browsers (the `browser` export condition): `await Database.open(name)` runs
 * the engine in a dedicated worker on OPFS (else IndexedDB). Re-exports only; nothing runs at
 * import.
 */
export { Database, type BrowserDatabaseConfig, type BrowserDatabaseStats } from './remote-database.js';
export { RemoteTransaction as Transaction } from './remote-transaction.js';
export { RemoteNamespace as Namespace, RemoteCollection as Collection } from './remote-namespace.js';
export { RemoteScan as ScanIterator } from './remote-scan.js';
export type { BrowserStorageKind } from './worker-protocol.js';
export * from '../public-api.js';
