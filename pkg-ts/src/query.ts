/**
 * The query builder: JSON records under a key prefix, projected to columns, as TOON.
 *
 *   await db.query('products/').select(['name', 'price']).limit(10).toList()
 *   // [[<products/laptop>, <result[1]{name,price}:Laptop,999>], ...]
 *
 * Every value under the prefix must be a JSON object: any other value makes `toList()` /
 * `toToon()` throw `InvalidArgumentError` (`VALUE_NOT_JSON`) naming the key, rather than skip
 * it silently. A selected column a record lacks comes out as `null`.
 */
import { InvalidArgumentError } from './errors.js';
import { type JsonRecord, selectColumns, toonRecord, toonTable } from './toon.js';
import type { KeyValue } from './types.js';

export class QueryBuilder {
  readonly #scanPrefix: () => AsyncIterable<KeyValue>;
  #columns: string[] | null = null;
  #limit = Infinity;
  #offset = 0;

  /** Use `db.query(prefix)`; `scanPrefix` iterates the records under the prefix in key order. */
  constructor(scanPrefix: () => AsyncIterable<KeyValue>) {
    this.#scanPrefix = scanPrefix;
  }

  /** The fields to keep, in output order. Default: every field of each record. */
  select(columns: readonly string[]): this {
    if (!Array.isArray(columns) || columns.some((c) => typeof c !== 'string')) {
      throw new InvalidArgumentError("select() takes an array of field names, e.g. select(['name', 'price']).");
    }
    this.#columns = [...columns];
    return this;
  }

  /** At most `n` records. */
  limit(n: number): this {
    this.#limit = nonNegativeInteger(n, 'limit');
    return this;
  }

  /** Skips the first `n` records. */
  offset(n: number): this {
    this.#offset = nonNegativeInteger(n, 'offset');
    return this;
  }

  /** `[key, TOON line]` per record, in key order. */
  async toList(): Promise<KeyValue[]> {
    const rows: KeyValue[] = [];
    for (const [key, record] of await this.#records()) rows.push([key, Buffer.from(toonRecord(record), 'utf8')]);
    return rows;
  }

  /** All selected records as one TOON table (`result[N]{...}:` and one row a line). */
  async toToon(): Promise<string> {
    return toonTable((await this.#records()).map(([, record]) => record));
  }

  async #records(): Promise<Array<[Buffer, JsonRecord]>> {
    const records: Array<[Buffer, JsonRecord]> = [];
    if (this.#limit === 0) return records;
    let skipped = 0;
    for await (const [key, value] of this.#scanPrefix()) {
      const record = parseRecord(key, value);
      if (skipped < this.#offset) {
        skipped++;
        continue;
      }
      records.push([key, selectColumns(record, this.#columns)]);
      if (records.length >= this.#limit) break;
    }
    return records;
  }
}

function parseRecord(key: Buffer, value: Buffer): JsonRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError(
      `query() reads JSON objects, but the value at key '${key.toString('utf8')}' is not one. ` +
        'Narrow the prefix to JSON records, or read raw values with scan().',
      'VALUE_NOT_JSON',
    );
  }
  return parsed as JsonRecord;
}

function nonNegativeInteger(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`${what}() takes a non-negative integer; got ${String(n)}.`);
  return n;
}
