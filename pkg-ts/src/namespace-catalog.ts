/**
 * The database's namespace operations (`db.createNamespace`, `db.namespace`, `db.listNamespaces`,
 * `db.deleteNamespace`), kept out of `database.ts`. A namespace record is JSON under
 * `PREFIX 'n' <name>`: `{ name, displayName, labels, createdAt }`. Internal.
 */
import { clearLeftovers, deleteLeftovers, putNow, readLatest, scanLatest, settleInBackground, startDrop } from './catalog-store.js';
import type { NamespaceConfig, NamespaceInfo } from './collection-types.js';
import type { DatabaseCore } from './core.js';
import { CorruptionError, InvalidArgumentError, NamespaceExistsError, NamespaceNotFoundError } from './errors.js';
import { Namespace } from './namespace.js';
import { collectionsRange, namespaceDocumentsRange, namespaceKey, namespacesRange, validateName } from './reserved-keys.js';

export function createNamespace(core: DatabaseCore, config: NamespaceConfig): Namespace {
  core.assertUsable();
  const info = resolveNamespaceConfig(config, Date.now());
  const key = namespaceKey(info.name);
  if (readLatest(core, key) !== null) throw new NamespaceExistsError(info.name);
  clearLeftovers(core, namespaceDocumentsRange(info.name));
  // Collection records a crash left while their namespace was being dropped (`startDrop`).
  for (const [collection] of scanLatest(core, collectionsRange(info.name))) core.engine.delete(0, collection);
  putNow(core, key, Buffer.from(JSON.stringify(info), 'utf8'));
  settleInBackground(core.writer.durable());
  return new Namespace(core, info);
}

export function openNamespace(core: DatabaseCore, name: string): Namespace {
  core.assertUsable();
  validateName('namespace', name);
  const record = readLatest(core, namespaceKey(name));
  if (record === null) throw new NamespaceNotFoundError(name);
  return new Namespace(core, decodeNamespaceRecord(record));
}

export function listNamespaces(core: DatabaseCore): NamespaceInfo[] {
  core.assertUsable();
  return scanLatest(core, namespacesRange()).map(([, value]) => decodeNamespaceRecord(value));
}

/**
 * Deletes the namespace's record and its collection records in one commit (so it is gone at once,
 * as `Namespace.deleteCollection` explains), then its documents in batches.
 */
export async function deleteNamespace(core: DatabaseCore, name: string): Promise<void> {
  core.assertUsable();
  const key = namespaceKey(name);
  if (readLatest(core, key) === null) throw new NamespaceNotFoundError(name);
  const records = scanLatest(core, collectionsRange(name)).map(([k]) => k);
  const documents = namespaceDocumentsRange(name);
  startDrop(core, [key, ...records], documents);
  await deleteLeftovers(core, documents);
}

function resolveNamespaceConfig(config: NamespaceConfig, createdAt: number): NamespaceInfo {
  if (config === null || typeof config !== 'object') {
    throw new InvalidArgumentError("createNamespace takes a config object, e.g. { name: 'tenant_123' }.");
  }
  validateName('namespace', config.name);
  const displayName = config.displayName ?? config.name;
  if (typeof displayName !== 'string') throw new InvalidArgumentError('displayName must be a string.');
  const labels = config.labels ?? {};
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels) || Object.values(labels).some((v) => typeof v !== 'string')) {
    throw new InvalidArgumentError("labels must be an object of strings, e.g. { tier: 'enterprise' }.");
  }
  return { name: config.name, displayName, labels: { ...labels }, createdAt };
}

function decodeNamespaceRecord(bytes: Buffer): NamespaceInfo {
  try {
    const r = JSON.parse(bytes.toString('utf8')) as Partial<NamespaceInfo>;
    return { name: String(r.name), displayName: r.displayName ?? String(r.name), labels: r.labels ?? {}, createdAt: Number(r.createdAt ?? 0) };
  } catch (e) {
    throw new CorruptionError(`A stored namespace record is not JSON (${(e as Error).message}).`, 'CORRUPTION', { cause: e });
  }
}
