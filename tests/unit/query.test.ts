import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../pkg-ts/src/index.js';
import { b, dbFixture } from './db-helpers.js';

const { open } = dbFixture('query');

async function products() {
  const db = open();
  await db.put(b('products/laptop'), b('{"name":"Laptop","price":999,"stock":5}'));
  await db.put(b('products/mouse'), b('{"name":"Mouse","price":25,"stock":20}'));
  await db.put(b('products/desk'), b('{"name":"Desk, oak","price":299.99}'));
  await db.put(b('productsX/other'), b('{"name":"not under the prefix"}'));
  return db;
}

const lines = (rows: Array<[Buffer, Buffer]>) => rows.map(([k, v]) => `${k.toString()}: ${v.toString()}`);

describe('query builder', () => {
  it('prints selected columns as one-line TOON per record, as in the guide', async () => {
    const db = await products();
    const rows = await db.query('products/').select(['name', 'price']).limit(10).toList();
    expect(lines(rows)).toEqual([
      'products/desk: result[1]{name,price}:"Desk, oak",299.99',
      'products/laptop: result[1]{name,price}:Laptop,999',
      'products/mouse: result[1]{name,price}:Mouse,25',
    ]);
  });

  it('applies offset then limit, in key order', async () => {
    const db = await products();
    const rows = await db.query('products/').select(['name']).offset(1).limit(1).toList();
    expect(lines(rows)).toEqual(['products/laptop: result[1]{name}:Laptop']);
  });

  it('returns every field without select, and null for a selected field a record lacks', async () => {
    const db = await products();
    expect(lines(await db.query('products/mouse').toList())).toEqual([
      'products/mouse: result[1]{name,price,stock}:Mouse,25,20',
    ]);
    expect(lines(await db.query('products/desk').select(['stock']).toList())).toEqual([
      'products/desk: result[1]{stock}:null',
    ]);
  });

  it('returns the whole result as one TOON table with toToon()', async () => {
    const db = await products();
    expect(await db.query(b('products/')).select(['name', 'price']).limit(2).toToon()).toBe(
      'result[2]{name,price}:\n  "Desk, oak",299.99\n  Laptop,999',
    );
  });

  it('returns nothing for an empty prefix range or limit 0', async () => {
    const db = await products();
    expect(await db.query('nothing/').toList()).toEqual([]);
    expect(await db.query('products/').limit(0).toList()).toEqual([]);
  });

  it('throws VALUE_NOT_JSON naming the key of a value that is not a JSON object', async () => {
    const db = await products();
    await db.put(b('products/raw'), b('not json'));
    const error = await db.query('products/').toList().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: 'VALUE_NOT_JSON' });
    expect((error as Error).message).toContain('products/raw');
    await db.put(b('products/raw'), b('[1,2]'));
    await expect(db.query('products/').toList()).rejects.toMatchObject({ code: 'VALUE_NOT_JSON' });
    expect((await db.stats()).openCursors).toBe(0);
  });

  it('rejects bad builder arguments', async () => {
    const db = await products();
    expect(() => db.query('p').limit(-1)).toThrow(InvalidArgumentError);
    expect(() => db.query('p').offset(1.5)).toThrow(InvalidArgumentError);
    expect(() => db.query('p').select('name' as unknown as string[])).toThrow(InvalidArgumentError);
  });
});
