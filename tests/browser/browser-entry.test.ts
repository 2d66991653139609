// The browser entry (`@sochdb/sochdb` under the `browser` condition, as built) in Chromium:
// the engine in a worker behind Comlink, typed errors across the boundary, batched scans,
// persistence across a page reload, and two tabs on one database (Web Lock).
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, skipReason } from './harness/chromium.js';
import { type BrowserEnv, startBrowserEnv } from './harness/setup.js';

let env: BrowserEnv;

declare const sochdb: typeof import('../../pkg-ts/src/browser/index.browser.js');

describe.skipIf(!hasChromium)('browser entry (Chromium)', () => {
  let page: Page;
  beforeAll(async () => {
    env = await startBrowserEnv();
    page = await env.openPage('app.html');
  }, 30_000);
  afterAll(() => env?.close());

  for (const storage of ['opfs', 'indexeddb', 'memory'] as const) {
    it(`puts, gets, deletes, scans and commits transactions on ${storage}`, async () => {
      const result = await page.evaluate(
        async ([name, storage]) => {
          const db = await sochdb.Database.open(name, { storage });
          const enc = (s: string) => new TextEncoder().encode(s);
          for (let i = 0; i < 1500; i++) await db.put(enc(`k:${String(i).padStart(4, '0')}`), enc(`v${i}`));
          await db.delete(enc('k:0007'));
          const got = (await db.get(enc('k:0042')))?.toString();
          const missing = await db.get(enc('k:0007'));
          let count = 0;
          let last = '';
          for await (const [key] of db.scanPrefix(enc('k:'))) {
            count++;
            last = key.toString();
          }
          let early = 0;
          for await (const _ of db.scan(enc('k:'))) if (++early === 3) break;
          const txn = db.beginTransaction();
          await txn.put(enc('t'), enc('in-txn'));
          const before = await db.get(enc('t'));
          await txn.commit();
          const after = (await db.get(enc('t')))?.toString();
          const stats = await db.stats();
          await db.close();
          return { got, missing, count, last, early, before, after, storage: stats.storage, path: stats.path };
        },
        [`entry-${randomUUID()}`, storage] as const,
      );
      expect(result).toEqual({
        got: 'v42',
        missing: null,
        count: 1499,
        last: 'k:1499',
        early: 3,
        before: null,
        after: 'in-txn',
        storage,
        path: expect.stringMatching(/^entry-/),
      });
    });
  }

  it('rebuilds typed SochDB errors from the worker, with class and code', async () => {
    const result = await page.evaluate(async (name) => {
      const db = await sochdb.Database.open(name, { storage: 'memory' });
      const enc = (s: string) => new TextEncoder().encode(s);
      const a = db.beginTransaction();
      const b = db.beginTransaction();
      await a.put(enc('x'), enc('a'));
      await b.put(enc('x'), enc('b'));
      await a.commit();
      const conflict = await b.commit().then(
        () => null,
        (e) => ({ conflict: e instanceof sochdb.TransactionConflictError, txn: e instanceof sochdb.TransactionError, code: e.code }),
      );
      const missing = await db.namespace('nope').then(
        () => null,
        (e) => ({ notFound: e instanceof sochdb.NamespaceNotFoundError, code: e.code, namespace: e.namespace }),
      );
      await db.close();
      const closed = await db.get(enc('x')).then(
        () => null,
        (e) => ({ closed: e instanceof sochdb.DatabaseClosedError, code: e.code }),
      );
      return { conflict, missing, closed };
    }, `errors-${randomUUID()}`);
    expect(result).toEqual({
      conflict: { conflict: true, txn: true, code: 'TXN_CONFLICT' },
      missing: { notFound: true, code: 'NAMESPACE_NOT_FOUND', namespace: 'nope' },
      closed: { closed: true, code: 'DATABASE_CLOSED' },
    });
  });

  it('keeps acknowledged writes across a page reload (default storage)', async () => {
    const name = `reload-${randomUUID()}`;
    const tab = await env.openPage('app.html');
    const storage = await tab.evaluate(async (name) => {
      const db = await sochdb.Database.open(name);
      const enc = (s: string) => new TextEncoder().encode(s);
      for (let i = 0; i < 100; i++) await db.put(enc(`r${i}`), enc(`value ${i}`));
      return (await db.stats()).storage; // not closed: the reload must not need close()
    }, name);
    expect(storage).toBe('opfs');
    await tab.reload();
    await tab.waitForFunction(() => (globalThis as { pageReady?: boolean }).pageReady === true);
    const values = await tab.evaluate(async (name) => {
      const db = await sochdb.Database.open(name, { lock: 'wait' });
      const enc = (s: string) => new TextEncoder().encode(s);
      const out = [(await db.get(enc('r0')))?.toString(), (await db.get(enc('r99')))?.toString()];
      let n = 0;
      for await (const _ of db.scanPrefix(enc('r'))) n++;
      await db.close();
      return [...out, n];
    }, name);
    expect(values).toEqual(['value 0', 'value 99', 100]);
    await tab.close();
  });

  it('refuses a second tab on an open database with DatabaseLockedError, then lets it in after close', async () => {
    const name = `tabs-${randomUUID()}`;
    const first = await env.openPage('app.html');
    const second = await env.openPage('app.html');
    await first.evaluate(async (name) => {
      (globalThis as any).db = await sochdb.Database.open(name);
      await (globalThis as any).db.put(new TextEncoder().encode('owner'), new TextEncoder().encode('first tab'));
    }, name);
    const refused = await second.evaluate(
      (name) =>
        sochdb.Database.open(name).then(
          () => null,
          (e) => ({ locked: e instanceof sochdb.DatabaseLockedError, code: e.code, message: e.message }),
        ),
      name,
    );
    expect(refused).toMatchObject({ locked: true, code: 'DATABASE_LOCKED', message: expect.stringContaining('another tab') });
    // A waiting open gets in once the first tab closes.
    const waiting = second.evaluate(async (name) => {
      const db = await sochdb.Database.open(name, { lock: 'wait' });
      const owner = (await db.get(new TextEncoder().encode('owner')))?.toString();
      await db.close();
      return owner;
    }, name);
    await first.evaluate(() => (globalThis as any).db.close());
    expect(await waiting).toBe('first tab');
    await first.close();
    await second.close();
  });
});

if (!hasChromium) describe.skip(`browser entry: skipped, ${skipReason}`, () => {});
