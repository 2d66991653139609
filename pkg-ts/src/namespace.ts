/**
 * A namespace: a named group of collections (one per tenant, say). `createCollection` is
 * synchronous, like the guide's `ns.createCollection(config)`; its record is durable by the time
 * any later awaited write of this database resolves.
 */
import { clearLeftovers, deleteLeftovers, putNow, readLatest, scanLatest, settleInBackground, startDrop } from './catalog-store.js';
import { Collection } from './collection.js';
import { configOf, decodeCollectionRecord, encodeCollectionRecord, resolveCollectionConfig } from './collection-config.js';
import type { CollectionConfig, CollectionInfo, CollectionOptions, NamespaceInfo } from './collection-types.js';
import type { DatabaseCore } from './core.js';
import { CollectionExistsError, CollectionNotFoundError, NamespaceNotFoundError } from './errors.js';
import { NamespaceView } from './namespace-view.js';
import { collectionKey, collectionsRange, documentsRange, namespaceKey, validateName } from './reserved-keys.js';

export class Namespace extends NamespaceView {
  readonly #core: DatabaseCore;

  /** Use `db.namespace(name)` or `db.createNamespace(config)`. */
  constructor(core: DatabaseCore, info: NamespaceInfo) {
    super(info);
    this.#core = core;
  }

  /**
   * Creates a collection, synchronously: `createCollection({ name, dimension, ... })` or
   * `createCollection(name, { dimension, ... })`. Throws `CollectionExistsError` if the name is
   * taken, `NamespaceNotFoundError` if this namespace was deleted, `InvalidArgumentError` for a bad
   * option.
   */
  createCollection(config: CollectionConfig): Collection;
  createCollection(name: string, options: CollectionOptions): Collection;
  createCollection(nameOrConfig: string | CollectionConfig, options?: CollectionOptions): Collection {
    this.#assertExists();
    const info = resolveCollectionConfig(configOf(nameOrConfig, options), Date.now());
    const key = collectionKey(this.name, info.name);
    if (readLatest(this.#core, key) !== null) throw new CollectionExistsError(this.name, info.name);
    const record = encodeCollectionRecord(info);
    clearLeftovers(this.#core, documentsRange(this.name, info.name));
    putNow(this.#core, key, record);
    settleInBackground(this.#core.writer.durable());
    return new Collection(this.#core, this.name, record);
  }

  /** The collection named `name`. Throws `CollectionNotFoundError` if there is none. */
  collection(name: string): Collection {
    this.#assertExists();
    validateName('collection', name);
    const record = readLatest(this.#core, collectionKey(this.name, name));
    if (record === null) throw new CollectionNotFoundError(this.name, name);
    return new Collection(this.#core, this.name, record);
  }

  /** Every collection of this namespace, in name order. */
  async listCollections(): Promise<CollectionInfo[]> {
    this.#assertExists();
    return scanLatest(this.#core, collectionsRange(this.name)).map(([, value]) => decodeCollectionRecord(value));
  }

  /**
   * Deletes a collection and every document in it. Its record goes first, in one commit: from then
   * on the collection is gone (handles throw `CollectionNotFoundError`, searches and writes are
   * refused), even if the process stops before the documents are; those are then deleted in
   * transactions of 1,000 before this resolves; if the process stops first, the next open resumes
   * the deleting in the background (and a `createCollection` of the name clears them at once). Throws `CollectionNotFoundError` if there is none.
   */
  async deleteCollection(name: string): Promise<void> {
    this.#assertExists();
    const key = collectionKey(this.name, name);
    if (readLatest(this.#core, key) === null) throw new CollectionNotFoundError(this.name, name);
    const documents = documentsRange(this.name, name);
    startDrop(this.#core, [key], documents);
    await deleteLeftovers(this.#core, documents);
  }

  #assertExists(): void {
    this.#core.assertUsable();
    if (readLatest(this.#core, namespaceKey(this.name)) === null) throw new NamespaceNotFoundError(this.name);
  }
}
