// Namespaces and collections with the real engine: create, open, list, delete, and the typed
// errors of each.
import { readdirSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import {
  CollectionExistsError,
  CollectionNotFoundError,
  DistanceMetric,
  InvalidArgumentError,
  NamespaceExistsError,
  NamespaceNotFoundError,
  SochDBError,
} from '../../pkg-ts/src/index.js';
import { MemoryAdapter } from '../../pkg-ts/src/storage/memory-adapter.js';
import { RESERVED_PREFIX } from '../../pkg-ts/src/reserved-keys.js';
import { b, collect, dbFixture } from './db-helpers.js';

const { open, newDir } = dbFixture('namespaces');

describe('namespaces', () => {
  it('are created synchronously and found at once, before the create is durable', async () => {
    const db = open();
    const ns = db.createNamespace({ name: 'tenant_123', displayName: 'Acme Corp', labels: { tier: 'enterprise' } });
    expect(ns.name).toBe('tenant_123');
    const again = db.namespace('tenant_123');
    expect(again.displayName).toBe('Acme Corp');
    expect(again.labels).toEqual({ tier: 'enterprise' });
    const listed = await db.listNamespaces();
    expect(listed.map(({ name, displayName, labels }) => ({ name, displayName, labels }))).toEqual([
      { name: 'tenant_123', displayName: 'Acme Corp', labels: { tier: 'enterprise' } },
    ]);
    expect(listed[0]!.createdAt).toBeGreaterThan(0);
  });

  it('refuse a second create of one name with NamespaceExistsError, and an unknown name with NamespaceNotFoundError', () => {
    const db = open();
    db.createNamespace({ name: 'a' });
    const exists = (() => {
      try {
        db.createNamespace({ name: 'a' });
      } catch (e) {
        return e;
      }
    })();
    expect(exists).toBeInstanceOf(NamespaceExistsError);
    expect(exists).toBeInstanceOf(SochDBError);
    expect(exists).toMatchObject({ code: 'NAMESPACE_EXISTS' });
    expect(() => db.namespace('missing')).toThrow(NamespaceNotFoundError);
    expect(() => db.namespace('missing')).toThrow(expect.objectContaining({ code: 'NAMESPACE_NOT_FOUND' }));
    expect(() => db.createNamespace({ name: 'bad name' })).toThrow(InvalidArgumentError);
  });

  it('list in name order and survive close and reopen', async () => {
    const dir = newDir();
    const db = open(dir);
    for (const name of ['b', 'a', 'a-1', 'c']) db.createNamespace({ name });
    await db.close();
    const reopened = open(dir);
    expect((await reopened.listNamespaces()).map((n) => n.name)).toEqual(['a', 'a-1', 'b', 'c']);
  });

  it('are deleted with all their collections and documents, leaving no reserved key behind', async () => {
    const db = open();
    const ns = db.createNamespace({ name: 'gone' });
    const keep = db.createNamespace({ name: 'gone2' }).createCollection('c', { dimension: 2 });
    await keep.insert({ vector: [1, 0], id: 'kept' });
    for (const name of ['c1', 'c2']) {
      const col = ns.createCollection(name, { dimension: 2 });
      await col.insertBatch({ vectors: Array.from({ length: 1500 }, (_, i) => [1, i]) });
    }
    await db.deleteNamespace('gone');
    expect(() => db.namespace('gone')).toThrow(NamespaceNotFoundError);
    await expect(ns.listCollections()).rejects.toBeInstanceOf(NamespaceNotFoundError);
    const reserved = await collect(db.scanPrefix(RESERVED_PREFIX));
    expect(reserved.every(([key]) => !key.includes('gone\0') && !key.endsWith('gone'))).toBe(true);
    expect(await keep.count()).toBe(1);
    await expect(db.deleteNamespace('gone')).rejects.toBeInstanceOf(NamespaceNotFoundError);
  });

  it('are gone at once when a delete starts, and a create of the name after a cut-short delete starts empty', async () => {
    const dir = newDir();
    const db = open(dir);
    const col = db.createNamespace({ name: 't' }).createCollection('c', { dimension: 2, metric: 'l2' });
    await col.insertBatch({ vectors: Array.from({ length: 2500 }, (_, i) => [i, 1]), ids: Array.from({ length: 2500 }, (_, i) => `d${i}`) });
    const dropping = db.deleteNamespace('t').then(() => 'finished', (e: unknown) => e);
    expect(() => db.namespace('t')).toThrow(NamespaceNotFoundError);
    await db.close();
    expect(await dropping).toMatchObject({ code: 'DATABASE_CLOSED' });
    const reopened = open(dir);
    expect(await reopened.listNamespaces()).toEqual([]);
    const fresh = reopened.createNamespace({ name: 't' }).createCollection('c', { dimension: 2, metric: 'l2' });
    await fresh.insert({ vector: [0, 0], id: 'new' });
    expect(await fresh.count()).toBe(1);
    expect(await fresh.get('d2499')).toBeNull();
    const kept = (await collect(reopened.scanPrefix(RESERVED_PREFIX))).filter(([k]) => k.includes('t\0c\0'));
    expect(kept.map(([k]) => k.slice(k.lastIndexOf('\0') + 1))).toEqual(['new']);
  });

  it('cut short by a close are finished by the next open, and a delete right after a create does not conflict', async () => {
    const dir = newDir();
    const db = open(dir);
    const col = db.createNamespace({ name: 't' }).createCollection('c', { dimension: 2, metric: 'l2' });
    await col.insertBatch({ vectors: Array.from({ length: 2500 }, (_, i) => [i, 1]) });
    const dropping = db.deleteNamespace('t').then(() => 'finished', (e: unknown) => e);
    await db.close();
    expect(await dropping).toMatchObject({ code: 'DATABASE_CLOSED' });
    const reopened = open(dir);
    const left = async (): Promise<string[]> => (await collect(reopened.scanPrefix(RESERVED_PREFIX))).map(([k]) => k).filter((k) => k.includes('t\0'));
    await vi.waitFor(async () => expect(await left()).toEqual([]), { timeout: 5000, interval: 20 });
    // Created and dropped without awaiting anything in between: the drop's writes commit at the
    // latest state, so the create's commit, not yet durable, is no conflict.
    const quick = reopened.createNamespace({ name: 'q' });
    quick.createCollection('c', { dimension: 2 });
    await reopened.deleteNamespace('q');
    expect(() => quick.createCollection('d', { dimension: 2 })).toThrow(NamespaceNotFoundError);
    expect(await reopened.listNamespaces()).toEqual([]);
  });

  it('stay out of user scans of the whole key space', async () => {
    const db = open();
    db.createNamespace({ name: 'ns' }).createCollection('c', { dimension: 2 });
    await db.put(b('\x00user'), b('1'));
    await db.put(b('z'), b('2'));
    expect((await collect(db.scan(b('')))).map(([k]) => k)).toEqual(['\x00user', 'z']);
    const txn = db.beginTransaction();
    await txn.put(b('\x00soch\x01'), b('3')); // just past the reserved range
    expect((await collect(txn.scan(b('')))).map(([k]) => k)).toEqual(['\x00soch\x01', '\x00user', 'z']);
    await txn.abort();
    expect((await collect(db.scanPrefix(RESERVED_PREFIX))).length).toBe(2); // what a backup tool sees
  });
});

describe('collections', () => {
  it('are created from a config or a name and options, and opened by name', async () => {
    const db = open();
    const ns = db.createNamespace({ name: 'ns' });
    const col = ns.createCollection({ name: 'documents', dimension: 384, metric: DistanceMetric.COSINE, m: 16, efConstruction: 100 });
    expect(col.config).toMatchObject({ name: 'documents', dimension: 384, metric: 'cosine', m: 16, efConstruction: 100, efSearch: 64 });
    const simple = ns.createCollection('embeddings', { dimension: 768 });
    expect(simple.config.dimension).toBe(768);
    expect(ns.collection('documents').config.efConstruction).toBe(100);
    expect((await ns.listCollections()).map((c) => [c.name, c.dimension])).toEqual([['documents', 384], ['embeddings', 768]]);
  });

  it('refuse a taken name with CollectionExistsError and an unknown one with CollectionNotFoundError', async () => {
    const db = open();
    const ns = db.createNamespace({ name: 'ns' });
    ns.createCollection('c', { dimension: 2 });
    expect(() => ns.createCollection('c', { dimension: 3 })).toThrow(CollectionExistsError);
    expect(() => ns.createCollection('c', { dimension: 3 })).toThrow(expect.objectContaining({ code: 'COLLECTION_EXISTS' }));
    expect(() => ns.collection('nope')).toThrow(CollectionNotFoundError);
    await expect(ns.deleteCollection('nope')).rejects.toMatchObject({ code: 'COLLECTION_NOT_FOUND' });
  });

  it('are deleted with every document (more than one batch), and old handles then throw CollectionNotFoundError', async () => {
    const db = open();
    const ns = db.createNamespace({ name: 'ns' });
    const col = ns.createCollection('big', { dimension: 4, metric: 'l2' });
    const other = ns.createCollection('big2', { dimension: 4, metric: 'l2' });
    await col.insertBatch({ vectors: Array.from({ length: 2500 }, (_, i) => [i, 0, 0, 1]) });
    await other.insert({ vector: [1, 1, 1, 1], id: 'x' });
    expect(await col.count()).toBe(2500);
    await ns.deleteCollection('big');
    await expect(col.count()).rejects.toBeInstanceOf(CollectionNotFoundError);
    await expect(col.insert({ vector: [1, 2, 3, 4] })).rejects.toBeInstanceOf(CollectionNotFoundError);
    expect((await ns.listCollections()).map((c) => c.name)).toEqual(['big2']);
    const left = await collect(db.scanPrefix(RESERVED_PREFIX));
    expect(left.filter(([k]) => k.includes('big\0') || k.endsWith('big'))).toEqual([]);
    expect(await other.count()).toBe(1);
    // The name is free again, with another dimension; the old handle follows the new record.
    const again = ns.createCollection('big', { dimension: 2 });
    expect(await again.count()).toBe(0);
    expect(col.config.dimension).toBe(4);
    await col.insert({ vector: [1, 2], id: 'new' });
    expect(col.config.dimension).toBe(2);
  });

  /** A collection of 3,500 documents whose delete a close cuts short; returns its directory. */
  async function dropCutShort(): Promise<string> {
    const dir = newDir();
    const db = open(dir);
    const ns = db.createNamespace({ name: 'ns' });
    const col = ns.createCollection('big', { dimension: 2, metric: 'l2' });
    await col.insertBatch({ vectors: Array.from({ length: 3500 }, (_, i) => [i, 1]), ids: Array.from({ length: 3500 }, (_, i) => `d${i}`) });
    const dropping = ns.deleteCollection('big').then(() => 'finished', (e: unknown) => e);
    expect(() => ns.collection('big')).toThrow(CollectionNotFoundError);
    await expect(col.search({ vector: [1, 1], k: 1 })).rejects.toBeInstanceOf(CollectionNotFoundError);
    await db.close(); // before the drop has deleted every document
    expect(await dropping).toMatchObject({ code: 'DATABASE_CLOSED' });
    return dir;
  }

  const reservedKeys = async (db: Database, part: string): Promise<string[]> =>
    (await collect(db.scanPrefix(RESERVED_PREFIX))).map(([k]) => k).filter((k) => k.includes(part));

  it('are gone at once when a delete starts, and the next open finishes a delete a close cut short', async () => {
    const dir = await dropCutShort();
    const reopened = open(dir);
    expect(await reopened.namespace('ns').listCollections()).toEqual([]);
    // The documents the close cut off, and the record of the pending drop, go in the background.
    await vi.waitFor(async () => expect(await reservedKeys(reopened, 'big')).toEqual([]), { timeout: 5000, interval: 20 });
    await reopened.close();
    expect(await reservedKeys(open(dir), 'big')).toEqual([]);
  });

  it('cut short by a close leave a create of the name, made at once on reopen, empty', async () => {
    const reopened = open(await dropCutShort());
    const fresh = reopened.namespace('ns').createCollection('big', { dimension: 2, metric: 'l2' });
    expect(await fresh.count()).toBe(0);
    expect(await fresh.get('d3499')).toBeNull(); // the clearing is not durable yet
    await fresh.insert({ vector: [0, 0], id: 'new' }); // durable, and so is the clearing before it
    expect(await fresh.get('d3499')).toBeNull();
    expect(await fresh.count()).toBe(1);
    expect((await fresh.search({ vector: [3499, 1], k: 5 })).map((r) => r.id)).toEqual(['new']);
    const kept = await reservedKeys(reopened, 'big\0');
    expect(kept.map((k) => k.slice(k.lastIndexOf('\0') + 1))).toEqual(['new']);
    expect(await reservedKeys(reopened, 'x\0')).toEqual([]); // no pending drop left
  });

  it('re-created while their delete is still running keep the new documents', async () => {
    const db = open();
    const ns = db.createNamespace({ name: 'ns' });
    const col = ns.createCollection('c', { dimension: 2, metric: 'l2' });
    await col.insertBatch({ vectors: Array.from({ length: 2500 }, (_, i) => [i, 1]) });
    const dropping = ns.deleteCollection('c');
    const fresh = ns.createCollection('c', { dimension: 2, metric: 'l2' });
    await fresh.insert({ vector: [5, 5], id: 'kept' });
    await dropping;
    expect(await fresh.count()).toBe(1);
    expect(await fresh.get('kept')).toMatchObject({ id: 'kept' });
  });

  it('survive a checkpoint, close and reopen, with their index files listed in the MANIFEST', async () => {
    const dir = newDir();
    const db = open(dir);
    const col = db.createNamespace({ name: 'ns' }).createCollection('c', { dimension: 3, metric: 'dot' });
    await col.insert({ vector: [1, 2, 3], id: 'a', metadata: { k: 1 } });
    await db.checkpoint();
    expect(readdirSync(dir).some((n) => /^idx-[0-9a-f]{16}\.vix$/.test(n))).toBe(true);
    await db.close();
    const reopened = open(dir);
    const again = reopened.namespace('ns').collection('c');
    expect(again.config.metric).toBe('dot');
    expect(await again.get('a')).toEqual({ id: 'a', vector: [1, 2, 3], metadata: { k: 1 }, content: null });
  });
});

/** A memory adapter whose appends start failing on demand. */
class FailingAdapter extends MemoryAdapter {
  failAppends = false;
  override async append(name: string, data: Uint8Array): Promise<void> {
    if (this.failAppends) throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
    return super.append(name, data);
  }
}

describe('synchronous creates and storage failures', () => {
  it('poison the database without an unhandled rejection when a create cannot be made durable', async () => {
    const adapter = new FailingAdapter();
    const db = open(newDir(), { adapter });
    adapter.failAppends = true;
    const ns = db.createNamespace({ name: 'ns' }); // returns at once; the append fails later
    ns.createCollection('c', { dimension: 2 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(() => db.namespace('ns')).toThrow(expect.objectContaining({ code: 'DATABASE_POISONED' }));
    await expect(db.listNamespaces()).rejects.toMatchObject({ code: 'DATABASE_POISONED' });
  });
});
