/**
 * Namespaces and collections on the main thread: thin facades naming their worker-side object
 * by name. Creating or opening one is a round trip, so those return Promises in the browser.
 */
import type {
  BatchInsertRequest,
  CollectionConfig,
  CollectionInfo,
  CollectionOptions,
  Document,
  InsertRequest,
  NamespaceInfo,
  SearchRequest,
  SearchResult,
} from '../collection-types.js';
import { NamespaceView } from '../namespace-view.js';
import type { WorkerLink } from './worker-link.js';
import type { CollectionCalls, CollectionMethod } from './worker-protocol.js';

export class RemoteNamespace extends NamespaceView {
  readonly #link: WorkerLink;

  /** Use `await db.namespace(name)` or `await db.createNamespace(config)`. */
  constructor(link: WorkerLink, info: NamespaceInfo) {
    super(info);
    this.#link = link;
  }

  createCollection(config: CollectionConfig): Promise<RemoteCollection>;
  createCollection(name: string, options: CollectionOptions): Promise<RemoteCollection>;
  async createCollection(nameOrConfig: string | CollectionConfig, options?: CollectionOptions): Promise<RemoteCollection> {
    const info = await this.#link.call((api) => api.createCollection(this.name, nameOrConfig, options));
    return new RemoteCollection(this.#link, this.name, info);
  }

  async collection(name: string): Promise<RemoteCollection> {
    const info = await this.#link.call((api) => api.collectionInfo(this.name, name));
    return new RemoteCollection(this.#link, this.name, info);
  }

  listCollections(): Promise<CollectionInfo[]> {
    return this.#link.call((api) => api.listCollections(this.name));
  }

  deleteCollection(name: string): Promise<void> {
    return this.#link.call((api) => api.deleteCollection(this.name, name));
  }
}

export class RemoteCollection implements CollectionCalls {
  readonly #link: WorkerLink;
  readonly #namespace: string;
  readonly #info: CollectionInfo;

  constructor(link: WorkerLink, namespace: string, info: CollectionInfo) {
    this.#link = link;
    this.#namespace = namespace;
    this.#info = info;
  }

  get name(): string {
    return this.#info.name;
  }

  get namespace(): string {
    return this.#namespace;
  }

  get config(): CollectionInfo {
    return { ...this.#info };
  }

  insert(request: InsertRequest): Promise<string> {
    return this.#call('insert', [request]);
  }

  upsert(request: InsertRequest): Promise<string> {
    return this.#call('upsert', [request]);
  }

  insertBatch(request: BatchInsertRequest): Promise<string[]> {
    return this.#call('insertBatch', [request]);
  }

  upsertBatch(request: BatchInsertRequest): Promise<string[]> {
    return this.#call('upsertBatch', [request]);
  }

  get(id: string): Promise<Document | null> {
    return this.#call('get', [id]);
  }

  delete(id: string): Promise<boolean> {
    return this.#call('delete', [id]);
  }

  count(): Promise<number> {
    return this.#call('count', []);
  }

  search(request: SearchRequest): Promise<SearchResult[]> {
    return this.#call('search', [request]);
  }

  #call<M extends CollectionMethod>(method: M, args: Parameters<CollectionCalls[M]>): ReturnType<CollectionCalls[M]> {
    return this.#link.call((api) => api.collectionCall(this.#namespace, this.name, method, args) as Promise<unknown>) as ReturnType<
      CollectionCalls[M]
    >;
  }
}
