/**
 * The key-value panel: put / get / delete one key, scan a prefix into a table, and the query
 * builder (`db.query(prefix).select(columns).limit(n)`) with its TOON output.
 */
import type { Database } from '@sochdb/sochdb';
import { field, h, replace } from './dom.js';
import { ErrorSlot } from './errors.js';
import { encoder, formatBytes, formatMs, showBytes, timed } from './format.js';

/** Keys under this prefix are SochDB's own (namespaces, collections, documents). */
const RESERVED_PREFIX = '\0soch\0';
const SCAN_ROWS_MAX = 200;

const SAMPLE_RECORDS: Array<[string, Record<string, unknown>]> = [
  ['users/ada', { name: 'Ada Lovelace', role: 'admin', city: 'London', age: 36 }],
  ['users/alan', { name: 'Alan Turing', role: 'editor', city: 'Manchester', age: 41 }],
  ['users/grace', { name: 'Grace Hopper', role: 'admin', city: 'Arlington', age: 85 }],
  ['users/linus', { name: 'Linus Torvalds', role: 'viewer', city: 'Portland', age: 55 }],
  ['users/margaret', { name: 'Margaret Hamilton', role: 'editor', city: 'Boston', age: 88 }],
];

export class KvPanel {
  readonly element: HTMLElement;
  readonly #db: Database;
  readonly #onChange: () => void;

  readonly #key = h('input', { id: 'kv-key', type: 'text', value: 'users/ada', spellcheck: false, autocomplete: 'off' });
  readonly #value = h('textarea', { id: 'kv-value', rows: 3, spellcheck: false });
  readonly #result = h('div', { class: 'result-line', id: 'kv-result', 'aria-live': 'polite' });
  readonly #kvErrors = new ErrorSlot();

  readonly #scanPrefix = h('input', { id: 'scan-prefix', type: 'text', value: 'users/', spellcheck: false, autocomplete: 'off' });
  readonly #showInternal = h('input', { id: 'scan-internal', type: 'checkbox' });
  readonly #scanOut = h('div', { class: 'scan-out', id: 'scan-out' });
  readonly #scanErrors = new ErrorSlot();

  readonly #queryPrefix = h('input', { id: 'query-prefix', type: 'text', value: 'users/', spellcheck: false, autocomplete: 'off' });
  readonly #queryColumns = h('input', { id: 'query-columns', type: 'text', value: 'name, role, city', spellcheck: false, autocomplete: 'off' });
  readonly #queryLimit = h('input', { id: 'query-limit', type: 'number', value: '10', min: '0', max: '1000' });
  readonly #queryCode = h('code', { class: 'call' });
  readonly #queryOut = h('pre', { class: 'toon', id: 'query-out' });
  readonly #queryErrors = new ErrorSlot();

  constructor(db: Database, onChange: () => void) {
    this.#db = db;
    this.#onChange = onChange;
    this.#value.value = JSON.stringify(SAMPLE_RECORDS[0]![1]);
    this.#updateQueryCode();
    for (const input of [this.#queryPrefix, this.#queryColumns, this.#queryLimit]) input.addEventListener('input', () => this.#updateQueryCode());
    const onEnter = (run: () => void) => (e: KeyboardEvent) => {
      if (e.key === 'Enter') run();
    };
    this.#key.addEventListener('keydown', onEnter(() => void this.get()));
    this.#scanPrefix.addEventListener('keydown', onEnter(() => void this.scan()));
    this.#showInternal.addEventListener('change', () => void this.scan());

    this.element = h(
      'section',
      { class: 'panel', id: 'kv-panel', 'aria-labelledby': 'kv-title' },
      h('div', { class: 'panel-head' }, h('h2', { id: 'kv-title' }, 'Key-value'), h('p', { class: 'panel-sub' }, 'Ordered keys and values, one transaction per write, durable when the promise resolves.')),
      h(
        'div',
        { class: 'card' },
        h('h3', {}, 'Put, get, delete'),
        field('Key', this.#key),
        field('Value', this.#value, 'Any text; JSON objects can be queried below.'),
        h(
          'div',
          { class: 'actions' },
          h('button', { class: 'primary', id: 'kv-put', onclick: () => void this.put() }, 'Put'),
          h('button', { id: 'kv-get', onclick: () => void this.get() }, 'Get'),
          h('button', { class: 'danger-ghost', id: 'kv-delete', onclick: () => void this.delete() }, 'Delete'),
          h('span', { class: 'spacer' }),
          h('button', { class: 'ghost', id: 'kv-samples', onclick: () => void this.putSamples() }, 'Insert sample users'),
        ),
        this.#result,
        this.#kvErrors.element,
      ),
      h(
        'div',
        { class: 'card' },
        h('h3', {}, 'Scan a prefix'),
        h(
          'div',
          { class: 'row' },
          field('Prefix', this.#scanPrefix),
          h('button', { id: 'scan-run', class: 'align-end', onclick: () => void this.scan() }, 'Scan'),
        ),
        h('label', { class: 'check' }, this.#showInternal, h('span', {}, 'Show SochDB\u2019s own keys (collections are keys too)')),
        this.#scanErrors.element,
        this.#scanOut,
      ),
      h(
        'div',
        { class: 'card' },
        h('h3', {}, 'Query → TOON'),
        h(
          'div',
          { class: 'row' },
          field('Prefix', this.#queryPrefix),
          field('Columns', this.#queryColumns),
          h('div', { class: 'narrow' }, field('Limit', this.#queryLimit)),
        ),
        h('div', { class: 'row' }, this.#queryCode, h('button', { id: 'query-run', class: 'align-end', onclick: () => void this.query() }, 'Run query')),
        this.#queryErrors.element,
        this.#queryOut,
      ),
    );
    this.#queryOut.textContent = 'Run a query to see its TOON output.';
    this.#queryOut.classList.add('placeholder');
  }

  async put(): Promise<void> {
    const key = this.#key.value;
    const value = encoder.encode(this.#value.value);
    const done = await this.#kvErrors.run(() => timed(() => this.#db.put(encoder.encode(key), value)));
    if (done) this.#say('ok', `Put ${quote(key)} (${formatBytes(value.length)})`, done.ms);
    else this.#say('none', '');
    this.#onChange();
    if (done) await this.#rescanIfShown(key);
  }

  async get(): Promise<void> {
    const key = this.#key.value;
    const done = await this.#kvErrors.run(() => timed(() => this.#db.get(encoder.encode(key))));
    if (!done) return this.#say('none', '');
    if (done.value === null) return this.#say('miss', `${quote(key)} is not set`, done.ms);
    this.#value.value = new TextDecoder().decode(done.value);
    this.#say('ok', `Got ${quote(key)} (${formatBytes(done.value.length)})`, done.ms);
  }

  async delete(): Promise<void> {
    const key = this.#key.value;
    const done = await this.#kvErrors.run(() => timed(() => this.#db.delete(encoder.encode(key))));
    if (done) this.#say('ok', `Deleted ${quote(key)}`, done.ms);
    else this.#say('none', '');
    this.#onChange();
    if (done) await this.#rescanIfShown(key);
  }

  async putSamples(): Promise<void> {
    const done = await this.#kvErrors.run(() =>
      timed(async () => {
        const txn = this.#db.beginTransaction();
        try {
          for (const [key, record] of SAMPLE_RECORDS) await txn.put(encoder.encode(key), encoder.encode(JSON.stringify(record)));
          await txn.commit();
        } catch (e) {
          await txn.abort();
          throw e;
        }
      }),
    );
    if (done) this.#say('ok', `Put ${SAMPLE_RECORDS.length} users under users/ in one transaction`, done.ms);
    this.#onChange();
    await this.scan();
  }

  async scan(): Promise<void> {
    const prefix = this.#scanPrefix.value;
    const showInternal = this.#showInternal.checked;
    const done = await this.#scanErrors.run(() =>
      timed(async () => {
        const rows: Array<[Uint8Array, Uint8Array]> = [];
        let total = 0;
        for await (const [key, value] of this.#db.scanPrefix(encoder.encode(prefix))) {
          if (!showInternal && isReserved(key)) continue;
          total++;
          if (rows.length < SCAN_ROWS_MAX) rows.push([key, value]);
        }
        return { rows, total };
      }),
    );
    if (!done) return replace(this.#scanOut);
    const { rows, total } = done.value;
    const summary = h(
      'div',
      { class: 'meta-line' },
      `${total} key${total === 1 ? '' : 's'} under ${quote(prefix)}`,
      total > rows.length ? ` (first ${rows.length} shown)` : '',
      h('span', { class: 'timing' }, formatMs(done.ms)),
    );
    if (rows.length === 0) {
      return replace(this.#scanOut, h('div', { class: 'meta-line empty' }, `No keys under ${quote(prefix)} yet: put one above, or insert the sample users.`, h('span', { class: 'timing' }, formatMs(done.ms))));
    }
    const table = h(
      'table',
      { class: 'kv-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Key'), h('th', {}, 'Value'), h('th', { class: 'num' }, 'Size'))),
      h(
        'tbody',
        {},
        ...rows.map(([key, value]) =>
          h(
            'tr',
            { class: isReserved(key) ? 'internal' : '', onclick: () => this.#pick(key, value) },
            h('td', { class: 'mono key' }, showBytes(key, 80)),
            h('td', { class: 'mono value' }, showBytes(value, 120)),
            h('td', { class: 'num' }, formatBytes(value.length)),
          ),
        ),
      ),
    );
    replace(this.#scanOut, summary, h('div', { class: 'table-wrap' }, table));
  }

  async query(): Promise<void> {
    const prefix = this.#queryPrefix.value;
    const columns = this.#columns();
    const limit = Number(this.#queryLimit.value);
    const done = await this.#queryErrors.run(() =>
      timed(() => {
        let q = this.#db.query(prefix);
        if (columns.length > 0) q = q.select(columns);
        return q.limit(limit).toToon();
      }),
    );
    this.#queryOut.classList.toggle('placeholder', !done);
    if (!done) return void (this.#queryOut.textContent = '');
    this.#queryOut.replaceChildren(h('span', { class: 'timing corner' }, formatMs(done.ms)), done.value || '(no records)');
  }

  /** Keeps the scan table current after a write under its prefix. */
  async #rescanIfShown(key: string): Promise<void> {
    if (key.startsWith(this.#scanPrefix.value)) await this.scan();
  }

  #columns(): string[] {
    return this.#queryColumns.value
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c.length > 0);
  }

  #updateQueryCode(): void {
    const columns = this.#columns();
    const select = columns.length > 0 ? `.select([${columns.map((c) => `'${c}'`).join(', ')}])` : '';
    this.#queryCode.textContent = `await db.query('${this.#queryPrefix.value}')${select}.limit(${this.#queryLimit.value || 0}).toToon()`;
  }

  #pick(key: Uint8Array, value: Uint8Array): void {
    if (isReserved(key)) return;
    this.#key.value = new TextDecoder().decode(key);
    this.#value.value = new TextDecoder().decode(value);
    this.#key.focus();
  }

  #say(kind: 'ok' | 'miss' | 'none', text: string, ms?: number): void {
    this.#result.className = `result-line ${kind}`;
    if (kind === 'none') return replace(this.#result);
    replace(this.#result, h('span', { class: 'result-icon', 'aria-hidden': 'true' }, kind === 'ok' ? '✓' : '∅'), text, ms === undefined ? null : h('span', { class: 'timing' }, formatMs(ms)));
  }
}

function isReserved(key: Uint8Array): boolean {
  if (key.length < RESERVED_PREFIX.length) return false;
  for (let i = 0; i < RESERVED_PREFIX.length; i++) if (key[i] !== RESERVED_PREFIX.charCodeAt(i)) return false;
  return true;
}

function quote(key: string): string {
  return `'${showBytes(encoder.encode(key), 60)}'`;
}
