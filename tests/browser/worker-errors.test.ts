// The browser's two failure modes of its own, typed: the engine worker dying (`WorkerDiedError`
// for every pending and later call, never a hang) and the browser's storage quota running out
// (`StorageQuotaError`, a stopped database, nothing half-written). The quota is real: Chromium's
// quota for the test origin is lowered over CDP (Storage.overrideQuotaForOrigin) mid-run.
import { randomUUID } from 'node:crypto';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, skipReason } from './harness/chromium.js';
import { type BrowserEnv, startBrowserEnv } from './harness/setup.js';

let env: BrowserEnv;

declare const sochdb: typeof import('../../pkg-ts/src/browser/index.browser.js');
declare function killEngineWorker(): void;

/** Every call settles within this; a call still pending after it is a hang. */
const SETTLE_MS_MAX = 5_000;

describe.skipIf(!hasChromium)('WorkerDiedError (Chromium)', () => {
  let page: Page;
  beforeAll(async () => {
    env = await startBrowserEnv(['hooks-page']);
    page = await env.openPage('hooks.html');
  }, 30_000);
  afterAll(() => env?.close());

  it('rejects every pending call and every later one with WorkerDiedError when the worker is terminated', async () => {
    const result = await page.evaluate(
      async ([name, settleMs]) => {
        const db = await sochdb.Database.open(name, { storage: 'indexeddb' });
        const enc = new TextEncoder();
        const ns = await db.createNamespace({ name: 'ns' });
        const docs = await ns.createCollection('docs', { dimension: 2 });
        const big = new Uint8Array(1 << 20);
        const txn = db.beginTransaction();
        await txn.put(enc.encode('t'), enc.encode('v'));
        // Calls in flight: large writes (each a strict IndexedDB transaction), a commit, reads, a scan, a search.
        const pending: Array<Promise<unknown>> = [
          ...Array.from({ length: 8 }, (_, i) => db.put(enc.encode(`big${i}`), big)),
          txn.commit(),
          db.get(enc.encode('big0')),
          db.scan(enc.encode('a'))[Symbol.asyncIterator]().next(),
          docs.search({ vector: [1, 0], k: 1 }),
          db.listNamespaces(),
        ];
        killEngineWorker();
        const outcome = (p: Promise<unknown>) =>
          Promise.race([
            p.then(
              () => 'resolved',
              (e) => (e instanceof sochdb.WorkerDiedError && e instanceof sochdb.DatabaseError ? e.code : `${e.name}: ${e.message}`),
            ),
            new Promise((resolve) => setTimeout(() => resolve('hung'), settleMs)),
          ]);
        const inFlight = await Promise.all(pending.map(outcome));
        const later = await Promise.all(
          [
            db.get(enc.encode('big0')),
            db.put(enc.encode('after'), enc.encode('x')),
            db.beginTransaction().get(enc.encode('t')),
            db.namespace('ns'),
            docs.count(),
            db.stats(),
          ].map(outcome),
        );
        const closed = await outcome(db.close());
        return { inFlight, later, closed };
      },
      [`died-${randomUUID()}`, SETTLE_MS_MAX] as const,
    );
    // Writes already answered before the kill may have resolved; nothing may hang or fail otherwise.
    expect(result.inFlight.every((o) => o === 'WORKER_DIED' || o === 'resolved'), result.inFlight.join()).toBe(true);
    expect(result.inFlight.filter((o) => o === 'WORKER_DIED').length).toBeGreaterThanOrEqual(5);
    expect(result.later).toEqual(Array(6).fill('WORKER_DIED'));
    expect(result.closed).toBe('resolved');
  });

  it('rejects an open waiting for another tab with WorkerDiedError when its worker dies', async () => {
    const result = await page.evaluate(async (name) => {
      const holder = await sochdb.Database.open(name, { storage: 'opfs' });
      const waiting = sochdb.Database.open(name, { storage: 'opfs', lock: 'wait' });
      await new Promise((resolve) => setTimeout(resolve, 200)); // the waiting worker is queued on the lock
      killEngineWorker();
      const error = await Promise.race([
        waiting.then(
          () => 'opened',
          (e) => (e instanceof sochdb.WorkerDiedError ? e.code : `${e.name}: ${e.message}`),
        ),
        new Promise((resolve) => setTimeout(() => resolve('hung'), 5_000)),
      ]);
      await holder.put(new TextEncoder().encode('k'), new TextEncoder().encode('still usable'));
      await holder.close();
      return error;
    }, `died-open-${randomUUID()}`);
    expect(result).toBe('WORKER_DIED');
  });
});

/** Sets the test origin's quota (bytes), or resets it with `undefined`. */
async function setQuota(cdp: CDPSession, quotaSize: number | undefined): Promise<void> {
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: env.server.origin, ...(quotaSize === undefined ? {} : { quotaSize }) });
}

describe.skipIf(!hasChromium)('StorageQuotaError (Chromium, a real quota)', () => {
  let page: Page;
  let cdp: CDPSession;
  beforeAll(async () => {
    env = await startBrowserEnv(['hooks-page']);
  }, 30_000);
  afterAll(() => env?.close());

  /**
   * A fresh browser context (storage of its own) with its quota set before any storage use:
   * Chromium's IndexedDB caches the space it may use for a while, so a quota lowered later
   * would be seen only after that cache expires.
   */
  async function freshContext(quotaBytes: number): Promise<void> {
    const context = await env.browser.newContext();
    page = await env.openPage('hooks.html', context);
    cdp = await context.newCDPSession(page);
    await setQuota(cdp, quotaBytes);
  }

  /** In the page: opens `name`, writes `acked` 2-key transactions of random 16 KiB values, and keeps their values. */
  async function openAndWrite(name: string, storage: string, transactions: number): Promise<void> {
    await page.evaluate(
      async ([name, storage, transactions]) => {
        const state = globalThis as any;
        state.db = await sochdb.Database.open(name, { storage: storage as 'opfs' });
        state.written = new Map<string, Uint8Array>();
        state.next = 0;
        state.writeTxn = async () => {
          const n = state.next++;
          const txn = state.db.beginTransaction();
          for (const part of ['a', 'b']) {
            const value = crypto.getRandomValues(new Uint8Array(16 * 1024)); // incompressible
            state.written.set(`q:${String(n).padStart(4, '0')}:${part}`, value);
            await txn.put(new TextEncoder().encode(`q:${String(n).padStart(4, '0')}:${part}`), value);
          }
          await txn.commit();
          return n;
        };
        for (let i = 0; i < transactions; i++) await state.writeTxn();
      },
      [name, storage, transactions] as const,
    );
  }

  /** Runs `failing` (in the page), then a later put, closes; reports the errors and what was acknowledged. */
  async function failAndClose(failing: 'writes' | 'checkpoint') {
    return page.evaluate(async (failing) => {
      const state = globalThis as any;
      const describe = (e: any) => ({
        quota: e instanceof sochdb.StorageQuotaError && e instanceof sochdb.StorageError,
        name: e.name,
        code: e.code,
        cause: e.cause?.name,
      });
      let error: unknown = null;
      let acked = state.next;
      try {
        if (failing === 'checkpoint') await state.db.checkpoint();
        else for (let i = 0; i < 400; i++) acked = (await state.writeTxn()) + 1;
      } catch (e) {
        error = describe(e);
      }
      const later = await state.db.put(new TextEncoder().encode('later'), new Uint8Array(1)).then(() => null, describe);
      await state.db.close();
      return { error, later, acked, attempted: state.next };
    }, failing);
  }

  /** Reopens `name` and compares it with what the page wrote: returns the transactions found whole, and problems. */
  async function reopenAndCheck(name: string, storage: string) {
    return page.evaluate(
      async ([name, storage]) => {
        const state = globalThis as any;
        const db = await sochdb.Database.open(name, { storage: storage as 'opfs' });
        const found = new Map<string, Uint8Array>();
        for await (const [key, value] of db.scanPrefix(new TextEncoder().encode('q:'))) found.set(key.toString(), new Uint8Array(value));
        await db.close();
        const problems: string[] = [];
        for (const [key, value] of found) {
          const expected = state.written.get(key) as Uint8Array | undefined;
          if (expected === undefined || expected.length !== value.length || expected.some((b: number, i: number) => b !== value[i])) {
            problems.push(`${key} holds other bytes`);
          }
          const other = key.endsWith(':a') ? key.slice(0, -1) + 'b' : key.slice(0, -1) + 'a';
          if (!found.has(other)) problems.push(`${key} is there without ${other}`);
        }
        return { transactions: found.size / 2, problems };
      },
      [name, storage] as const,
    );
  }

  for (const storage of ['opfs', 'indexeddb'] as const) {
    it(`refuses a commit past the quota with StorageQuotaError, stops, and reopens with exactly the acknowledged commits on ${storage}`, async () => {
      const name = `quota-wal-${randomUUID()}`;
      await freshContext(1024 * 1024);
      await openAndWrite(name, storage, 5);
      const run = await failAndClose('writes');
      await setQuota(cdp, undefined);
      expect(run.error).toEqual({ quota: true, name: 'StorageQuotaError', code: 'STORAGE_QUOTA_EXCEEDED', cause: 'QuotaExceededError' });
      expect(run.later).toMatchObject({ name: 'DatabaseError', code: 'DATABASE_POISONED', cause: 'StorageQuotaError' });
      expect(run.acked).toBeGreaterThan(5);
      // The refused transaction was the last one attempted; none of it was written.
      expect(run.attempted).toBe(run.acked + 1);
      expect(await reopenAndCheck(name, storage)).toEqual({ transactions: run.acked, problems: [] });
      await page.context().close();
    });

    it(`refuses a checkpoint past the quota with StorageQuotaError and keeps every commit on ${storage}`, async () => {
      const name = `quota-checkpoint-${randomUUID()}`;
      // Room for the WAL of 40 transactions (1.25 MiB), not for the segment that would follow it.
      await freshContext(2 * 1024 * 1024);
      await openAndWrite(name, storage, 40);
      const run = await failAndClose('checkpoint');
      await setQuota(cdp, undefined);
      expect(run.error).toEqual({ quota: true, name: 'StorageQuotaError', code: 'STORAGE_QUOTA_EXCEEDED', cause: 'QuotaExceededError' });
      expect(run.later).toMatchObject({ code: 'DATABASE_POISONED', cause: 'StorageQuotaError' });
      expect(await reopenAndCheck(name, storage)).toEqual({ transactions: 40, problems: [] });
      await page.context().close();
    });
  }
});

if (!hasChromium) describe.skip(`worker and quota errors: skipped, ${skipReason}`, () => {});
