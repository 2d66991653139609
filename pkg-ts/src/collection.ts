/**
 * A vector collection: documents (a vector, JSON metadata, optional text content) under ids, with
 * HNSW vector search, BM25 text search and hybrid search inside the engine.
 *
 * Writes resolve when durable, like `db.put`; `get` and `search` see what is durable (as `db.get`
 * does), `count` every commit. Every call first checks that the collection still exists
 * (`CollectionNotFoundError` once it or its namespace was deleted).
 *
 * `insert` refuses an id the collection holds (`DocumentExistsError`); `upsert` replaces it.
 * Batches are one transaction: every document is checked first, and a bad one (wrong dimension,
 * NaN, an existing id for `insertBatch`) writes nothing.
 */
import { commitBatch, putNow, readLatest } from './catalog-store.js';
import { decodeCollectionRecord } from './collection-config.js';
import type {
  BatchInsertRequest,
  CollectionInfo,
  Document,
  InsertRequest,
  SearchRequest,
  SearchResult,
} from './collection-types.js';
import type { DatabaseCore } from './core.js';
import { decodeRecord } from './doc-record.js';
import { type PreparedDocument, prepareDocument } from './document-input.js';
import { decodeSearchResults, encodeSearchRequest } from './engine/search-codec.js';
import { CollectionNotFoundError, DocumentExistsError, InvalidArgumentError } from './errors.js';
import { collectionKey, documentKey } from './reserved-keys.js';
import { encodeSearch, toSearchResult } from './search-request.js';

export class Collection {
  readonly #core: DatabaseCore;
  readonly #namespace: string;
  readonly #name: string;
  readonly #key: Buffer;
  /** The collection record last seen, and its parsed form: re-parsed only when the bytes change. */
  #recordBytes: Buffer;
  #info: CollectionInfo;
  /** The engine's catalog version when `#info` was last checked (-1: never). */
  #catalogVersion = -1;

  /** Use `ns.collection(name)` or `ns.createCollection(...)`. */
  constructor(core: DatabaseCore, namespace: string, record: Buffer) {
    this.#core = core;
    this.#namespace = namespace;
    this.#recordBytes = record;
    this.#info = decodeCollectionRecord(record);
    this.#name = this.#info.name;
    this.#key = collectionKey(namespace, this.#name);
  }

  get name(): string {
    return this.#name;
  }

  get namespace(): string {
    return this.#namespace;
  }

  /** The collection's resolved configuration (dimension, metric, HNSW parameters, ...). */
  get config(): CollectionInfo {
    return { ...this.#info };
  }

  /** Inserts a new document; resolves to its id. Throws `DocumentExistsError` if the id is taken. */
  async insert(request: InsertRequest): Promise<string> {
    const info = this.#current();
    const doc = prepareDocument(this.#namespace, info, request);
    if (readLatest(this.#core, doc.key) !== null) throw new DocumentExistsError(doc.id);
    putNow(this.#core, doc.key, doc.record);
    await this.#core.writer.durable();
    return doc.id;
  }

  /** Inserts or replaces the document with this id; resolves to its id. */
  async upsert(request: InsertRequest): Promise<string> {
    const info = this.#current();
    const doc = prepareDocument(this.#namespace, info, request);
    putNow(this.#core, doc.key, doc.record);
    await this.#core.writer.durable();
    return doc.id;
  }

  /** Inserts new documents in one transaction; resolves to their ids. Any bad or taken id writes nothing. */
  async insertBatch(request: BatchInsertRequest): Promise<string[]> {
    const docs = this.#prepareBatch(request);
    for (const doc of docs) {
      if (readLatest(this.#core, doc.key) !== null) throw new DocumentExistsError(doc.id);
    }
    return this.#writeBatch(docs);
  }

  /** Inserts or replaces documents in one transaction; resolves to their ids. */
  async upsertBatch(request: BatchInsertRequest): Promise<string[]> {
    return this.#writeBatch(this.#prepareBatch(request));
  }

  /** The document with this id, or null. */
  async get(id: string): Promise<Document | null> {
    this.#current();
    // `get` reads what is durable. Until this collection's record is, what is durable under its
    // name can only be what a dropped one of that name left (see `clearLeftovers`): none of ours.
    const durableRecord = this.#core.engine.get(0, this.#key);
    if (durableRecord === null || !durableRecord.equals(this.#recordBytes)) return null;
    const value = this.#core.engine.get(0, documentKey(this.#namespace, this.#name, id));
    if (value === null) return null;
    const record = decodeRecord(value);
    return {
      id,
      vector: Array.from(record.vector),
      metadata: JSON.parse(record.metadataJson.toString('utf8')) as Record<string, unknown>,
      content: record.content,
    };
  }

  /** Deletes the document with this id; resolves to whether it existed. */
  async delete(id: string): Promise<boolean> {
    this.#current();
    const key = documentKey(this.#namespace, this.#name, id);
    if (readLatest(this.#core, key) === null) return false;
    this.#core.engine.delete(0, key);
    await this.#core.writer.durable();
    return true;
  }

  /** How many documents the collection holds (every commit, durable or not). */
  async count(): Promise<number> {
    this.#current();
    return this.#core.engine.collectionCount(this.#key);
  }

  /** The `k` best documents for a vector, a text query, or both; best first (see `SearchRequest`). */
  async search(request: SearchRequest): Promise<SearchResult[]> {
    const info = this.#current();
    const encoded = encodeSearchRequest(encodeSearch(request, info));
    const { count, out } = this.#core.engine.search(this.#key, encoded);
    return decodeSearchResults(out, count).map(toSearchResult);
  }

  // --- plumbing ----------------------------------------------------------------------------

  /** The collection's current record (throws `CollectionNotFoundError` once it is gone). */
  #current(): CollectionInfo {
    this.#core.assertUsable();
    // No collection was created, changed or dropped since the last read: the record stands.
    const version = this.#core.engine.catalogVersion();
    if (version === this.#catalogVersion) return this.#info;
    const record = readLatest(this.#core, this.#key);
    if (record === null) throw new CollectionNotFoundError(this.#namespace, this.#name);
    if (!record.equals(this.#recordBytes)) {
      // Deleted and created again, perhaps with another dimension: follow the new record.
      this.#info = decodeCollectionRecord(record);
      this.#recordBytes = record;
    }
    this.#catalogVersion = version;
    return this.#info;
  }

  #prepareBatch(request: BatchInsertRequest): PreparedDocument[] {
    const info = this.#current();
    if (request === null || typeof request !== 'object' || !Array.isArray(request.vectors)) {
      throw new InvalidArgumentError('insertBatch takes { vectors: [...], metadatas?, ids?, contents? }.');
    }
    const n = request.vectors.length;
    for (const field of ['metadatas', 'ids', 'contents'] as const) {
      const values = request[field];
      if (values !== undefined && (!Array.isArray(values) || values.length !== n)) {
        throw new InvalidArgumentError(`${field} must be an array of the same length as vectors (${n}).`);
      }
    }
    const docs = request.vectors.map((vector, i) =>
      prepareDocument(
        this.#namespace,
        info,
        { vector, metadata: request.metadatas?.[i], id: request.ids?.[i], content: request.contents?.[i] },
        `document ${i}`,
      ),
    );
    const seen = new Set<string>();
    for (const doc of docs) {
      if (seen.has(doc.id)) throw new InvalidArgumentError(`id '${doc.id}' appears twice in the batch.`, 'DUPLICATE_ID');
      seen.add(doc.id);
    }
    return docs;
  }

  async #writeBatch(docs: PreparedDocument[]): Promise<string[]> {
    if (docs.length === 0) return [];
    commitBatch(this.#core, docs.map((doc) => ({ key: doc.key, value: doc.record })));
    await this.#core.writer.durable();
    return docs.map((doc) => doc.id);
  }
}
