// The browser transaction buffers `put` / `delete` on the main thread and sends them to the
// worker in one batch before a read, a scan or the commit: its own writes stay visible to its
// reads and scans, and a write only the engine refuses (here KEY_TOO_LARGE) rejects the call that
// sent the batch with the typed error, aborting the transaction with nothing written.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from './harness/chromium.js';
import { type BrowserEnv, startBrowserEnv } from './harness/setup.js';

let env: BrowserEnv;

declare const sochdb: typeof import('../../pkg-ts/src/browser/index.browser.js');

describe.skipIf(!hasChromium)('transaction write batching (Chromium)', () => {
  let page: Page;
  beforeAll(async () => {
    env = await startBrowserEnv();
    page = await env.openPage('app.html');
  }, 30_000);
  afterAll(() => env?.close());

  it('sees its own buffered writes in get and scan, and commits them all', async () => {
    const result = await page.evaluate(async (name) => {
      const db = await sochdb.Database.open(name, { storage: 'opfs' });
      const enc = (s: string) => new TextEncoder().encode(s);
      const key = (i: number) => enc(`b:${String(i).padStart(4, '0')}`);
      await db.put(key(5), enc('before'));
      const txn = db.beginTransaction();
      const reused = new Uint8Array(1);
      for (let i = 0; i < 1000; i++) {
        reused[0] = i & 0xff;
        await txn.put(key(i), reused); // the caller reuses its array: each write keeps its own bytes
      }
      const mid = (await txn.get(key(500)))?.[0];
      await txn.delete(key(7));
      const deleted = await txn.get(key(7));
      for (let i = 1000; i < 1200; i++) await txn.put(key(i), enc(`v${i}`));
      let scanned = 0;
      let lastKey = '';
      for await (const [k] of txn.scan(enc('b:'), enc('b;'))) {
        scanned++;
        lastKey = k.toString();
      }
      const outside = await db.get(key(1100)); // not committed yet
      await txn.put(key(1200), enc('last'));
      await txn.commit();
      const after = {
        state: txn.state,
        five: (await db.get(key(5)))?.[0],
        seven: await db.get(key(7)),
        last: (await db.get(key(1200)))?.toString(),
        v1100: (await db.get(key(1100)))?.toString(),
      };
      let committed = 0;
      for await (const _ of db.scan(enc('b:'), enc('b;'))) committed++;
      await db.close();
      return { mid, deleted, scanned, lastKey, outside, after, committed };
    }, `batch-${randomUUID()}`);
    expect(result).toEqual({
      mid: 500 & 0xff,
      deleted: null,
      scanned: 1199,
      lastKey: 'b:1199',
      outside: null,
      after: { state: 'committed', five: 5, seven: null, last: 'last', v1100: 'v1100' },
      committed: 1200,
    });
  });

  it('rejects commit with the typed error of an invalid buffered key, writing nothing', async () => {
    const result = await page.evaluate(async (name) => {
      const db = await sochdb.Database.open(name, { storage: 'memory' });
      const enc = (s: string) => new TextEncoder().encode(s);
      const txn = db.beginTransaction();
      await txn.put(enc('ok:1'), enc('a'));
      // Over 16 KiB: only the engine checks this, so the put itself resolves.
      const tooLarge = await txn.put(new Uint8Array(16 * 1024 + 1).fill(0x61), enc('x')).then(
        () => 'resolved',
        (e) => e.code,
      );
      await txn.put(enc('ok:2'), enc('b'));
      const commit = await txn.commit().then(
        () => null,
        (e) => ({ invalid: e instanceof sochdb.InvalidArgumentError, db: e instanceof sochdb.SochDBError, code: e.code }),
      );
      const later = await txn.get(enc('ok:1')).then(
        () => null,
        (e) => e.code,
      );
      const state = txn.state;
      const written = [(await db.get(enc('ok:1'))) === null, (await db.get(enc('ok:2'))) === null];
      // A reserved key is still refused by the put itself, at once.
      const reserved = await db
        .beginTransaction()
        .put(new Uint8Array([0x00, 0x73, 0x6f, 0x63, 0x68, 0x00, 0x01]), enc('x'))
        .then(
          () => 'resolved',
          (e) => e.code,
        );
      await db.close();
      return { tooLarge, commit, later, state, written, reserved };
    }, `batch-err-${randomUUID()}`);
    expect(result).toEqual({
      tooLarge: 'resolved',
      commit: { invalid: true, db: true, code: 'KEY_TOO_LARGE' },
      later: 'TXN_CLOSED',
      state: 'aborted',
      written: [true, true],
      reserved: 'RESERVED_KEY',
    });
  });
});
