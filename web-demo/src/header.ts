/**
 * The header: which storage backend holds the data, whether the browser granted persistent
 * storage, and the engine's counters (refreshed after every operation).
 */
import type { BrowserDatabaseStats, Database } from '@sochdb/sochdb';
import { STORAGE_CHOICES, STORAGE_LABELS, type StorageChoice, switchStorage } from './database.js';
import { h, replace } from './dom.js';
import { ErrorSlot } from './errors.js';
import { formatBytes, formatCount, formatMs } from './format.js';

export class Header {
  readonly element: HTMLElement;
  readonly #status = h('div', { class: 'status', id: 'db-status' });
  readonly #stats = h('dl', { class: 'stats', id: 'engine-stats' });
  readonly #errors = new ErrorSlot();
  #db: Database | null = null;
  readonly #checkpointButton: HTMLButtonElement;

  constructor(choice: StorageChoice) {
    const select = h(
      'select',
      { id: 'storage-select', 'aria-label': 'Storage backend', onchange: () => switchStorage(select.value as StorageChoice) },
      ...STORAGE_CHOICES.map((c) => h('option', { value: c.value, selected: c.value === choice }, c.label)),
    );
    const checkpoint = h(
      'button',
      { class: 'ghost small', id: 'checkpoint', hidden: true, title: 'Write changed data into a segment and trim the write-ahead log', onclick: () => void this.#checkpoint() },
      'Checkpoint',
    );
    this.#checkpointButton = checkpoint;
    this.element = h(
      'header',
      { class: 'top' },
      h(
        'div',
        { class: 'top-inner' },
        h(
          'div',
          { class: 'brand' },
          h('div', { class: 'logo', 'aria-hidden': 'true' }, 'S'),
          h('div', {}, h('h1', {}, 'SochDB ', h('span', { class: 'thin' }, 'Playground')), h('p', { class: 'tagline' }, 'The Rust engine, compiled to WebAssembly, running in a worker in this tab.')),
        ),
        h('div', { class: 'top-side' }, this.#status, h('label', { class: 'storage-pick' }, h('span', {}, 'Storage'), select)),
      ),
      h('div', { class: 'top-inner stats-row' }, this.#stats, checkpoint),
      h('div', { class: 'top-inner' }, this.#errors.element),
    );
    this.showOpening();
  }

  showOpening(): void {
    replace(this.#status, h('span', { class: 'pill muted' }, h('span', { class: 'spinner' }), 'Opening database…'));
  }

  showWaiting(): void {
    replace(
      this.#status,
      h('span', { class: 'pill warn' }, h('span', { class: 'spinner' }), 'Another tab has this database open: waiting for it to close…'),
    );
  }

  showOpenFailed(error: unknown): void {
    replace(this.#status, h('span', { class: 'pill bad' }, 'Not open'));
    this.#errors.show(error);
  }

  async attach(db: Database, openMs: number): Promise<void> {
    this.#db = db;
    this.#checkpointButton.hidden = false;
    const stats = await db.stats();
    const storage = STORAGE_LABELS[stats.storage] ?? stats.storage;
    replace(
      this.#status,
      h('span', { class: 'pill good', id: 'storage-pill', dataset: { storage: stats.storage } }, h('span', { class: 'dot' }), storage),
      stats.storage === 'memory'
        ? h('span', { class: 'pill warn', title: 'Memory storage is gone on reload' }, 'Not persisted')
        : h(
            'span',
            {
              class: `pill ${stats.persisted ? 'good' : 'muted'}`,
              id: 'persist-pill',
              title: stats.persisted
                ? 'The browser granted persistent storage: it will not evict this data under storage pressure.'
                : 'Best-effort storage: data survives reloads, but the browser may evict it under storage pressure.',
            },
            stats.persisted ? 'Persistent storage' : 'Best-effort storage',
          ),
      h('span', { class: 'pill muted', title: 'Time to start the worker, compile the engine and read storage' }, `opened in ${formatMs(openMs)}`),
    );
    this.#render(stats);
  }

  /** Re-reads the engine's counters. */
  async refresh(): Promise<void> {
    if (this.#db === null) return;
    try {
      this.#render(await this.#db.stats());
    } catch (e) {
      this.#errors.show(e);
    }
  }

  #render(stats: BrowserDatabaseStats): void {
    const item = (label: string, value: string, title: string) => h('div', { class: 'stat', title }, h('dt', {}, label), h('dd', {}, value));
    replace(
      this.#stats,
      item('Sequence', formatCount(stats.lastSeq), 'Sequence number of the last committed write'),
      item('Memtable', `${formatCount(stats.memtableEntries)} · ${formatBytes(stats.memtableBytes)}`, 'Recent writes held in memory (entries · bytes)'),
      item('Segments', `${formatCount(stats.segmentCount)} · ${formatBytes(stats.segmentBytes)}`, 'Immutable sorted segments written by checkpoints'),
      item('WAL', formatBytes(stats.wal.bytesAppended), 'Write-ahead log bytes appended since open'),
      item('Checkpoints', formatCount(stats.wal.checkpoints), 'Checkpoints written since open'),
    );
  }

  async #checkpoint(): Promise<void> {
    const db = this.#db;
    if (db === null) return;
    await this.#errors.run(() => db.checkpoint());
    await this.refresh();
  }
}
