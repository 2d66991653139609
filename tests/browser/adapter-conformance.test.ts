// The one StorageAdapter conformance body (tests/unit/adapter-conformance.ts), run verbatim in
// vitest against the OPFS and IndexedDB adapters living in a Chromium worker: each adapter call
// is forwarded to the page (pages/adapters-page.ts), which forwards it to the worker.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import type { StorageAdapter } from '../../pkg-ts/src/storage/adapter.js';
import { adapterConformance } from '../unit/adapter-conformance.js';
import { hasChromium, skipReason } from './harness/chromium.js';
import { type BrowserEnv, startBrowserEnv } from './harness/setup.js';

let env: BrowserEnv;
let page: Page;

type Wire = { b64: string } | unknown;
type Reply = { ok: Wire } | { undef: true } | { error: { name: string; message: string; code?: string } };

/** A StorageAdapter whose methods run in the browser. */
class BrowserAdapter implements StorageAdapter {
  constructor(
    readonly kind: string,
    readonly dbName: string,
    readonly id: number,
  ) {}

  static async make(kind: 'opfs' | 'indexeddb', dbName: string): Promise<BrowserAdapter> {
    const id = await page.evaluate(([k, n]) => (globalThis as any).adapterMake(k, n), [kind, dbName] as const);
    return new BrowserAdapter(kind, dbName, id as number);
  }

  async #call(method: string, ...args: unknown[]): Promise<any> {
    const wire = args.map((a) => (a instanceof Uint8Array ? { b64: Buffer.from(a).toString('base64') } : a));
    const reply = (await page.evaluate(([i, m, a]) => (globalThis as any).adapterCall(i, m, a), [this.id, method, wire] as const)) as Reply;
    if ('error' in reply) throw Object.assign(new Error(`${reply.error.name}: ${reply.error.message}`), { code: reply.error.code });
    if ('undef' in reply) return undefined;
    const ok = reply.ok as Wire;
    return typeof ok === 'object' && ok !== null && 'b64' in ok ? new Uint8Array(Buffer.from((ok as { b64: string }).b64, 'base64')) : ok;
  }

  lock = () => this.#call('lock');
  unlock = () => this.#call('unlock');
  list = () => this.#call('list');
  read = (name: string) => this.#call('read', name);
  append = (name: string, data: Uint8Array) => this.#call('append', name, data);
  flush = (name: string) => this.#call('flush', name);
  writeAtomic = (name: string, data: Uint8Array) => this.#call('writeAtomic', name, data);
  truncate = (name: string, length: number) => this.#call('truncate', name, length);
  remove = (name: string) => this.#call('remove', name);
  close = () => this.#call('close');
}

describe.skipIf(!hasChromium)('browser storage adapters (Chromium)', () => {
  beforeAll(async () => {
    env = await startBrowserEnv(['adapters-page', 'adapters-worker']);
    page = await env.openPage('adapters.html');
  }, 30_000);
  afterAll(() => env?.close());

  for (const kind of ['opfs', 'indexeddb'] as const) {
    adapterConformance(kind, {
      makeAdapter: () => BrowserAdapter.make(kind, `conformance-${randomUUID()}`),
      reopen: (adapter) => BrowserAdapter.make(kind, (adapter as BrowserAdapter).dbName),
    });
  }
});

if (!hasChromium) describe.skip(`browser storage adapters: skipped, ${skipReason}`, () => {});
