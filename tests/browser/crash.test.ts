// A worker killed mid-write loses nothing acknowledged, on OPFS and on IndexedDB: writers in the
// page (pages/workload.ts) put keys and commit 4-key transactions, small memtables make
// checkpoints run meanwhile, and each acknowledged op is reported to the test as its promise
// resolves. At a seeded random moment the engine worker dies: terminated (as an out-of-memory
// kill would), with its tab closed, or with its renderer crashed (CDP Page.crash). The database
// is then opened again and checked: every acknowledged op is there with its bytes, no
// transaction is partly visible, and at most the ops in flight at the kill survived unacknowledged.
// Two kills per database, so the second run recovers on top of the first's recovery.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, skipReason } from './harness/chromium.js';
import { type BrowserEnv, startBrowserEnv } from './harness/setup.js';
import { checkWorkload } from './pages/workload.js';

type Storage = 'opfs' | 'indexeddb';
type Kill = 'terminate' | 'close-tab' | 'crash-renderer';

const WRITERS = 4;
const KILLS_PER_DATABASE = 2;
/** The kill lands this long (seeded, uniform) after the workload's first acknowledgements. */
const KILL_DELAY_MS_MIN = 20;
const KILL_DELAY_MS_MAX = 300;

/** mulberry32: a small seeded PRNG, so a failing run's kill moments can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const seed = Number(process.env.CRASH_SEED ?? 20_261_126);
const random = prng(seed);

let env: BrowserEnv;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function kill(page: Page, how: Kill): Promise<void> {
  if (how === 'terminate') {
    await page.evaluate(() => (globalThis as any).killEngineWorker());
  } else if (how === 'close-tab') {
    await page.close();
  } else {
    const crashed = new Promise((resolve) => page.once('crash', resolve));
    const cdp = await page.context().newCDPSession(page);
    cdp.send('Page.crash').catch(() => {}); // never answers: the renderer is gone
    await crashed;
    await page.close();
  }
}

describe.skipIf(!hasChromium)(`a killed engine worker loses nothing acknowledged (Chromium, seed ${seed})`, () => {
  beforeAll(async () => {
    env = await startBrowserEnv(['hooks-page']);
  }, 30_000);
  afterAll(() => env?.close());

  for (const storage of ['opfs', 'indexeddb'] as const satisfies readonly Storage[]) {
    for (const how of ['terminate', 'close-tab', 'crash-renderer'] as const satisfies readonly Kill[]) {
      it(`keeps every acknowledged write and no partial transaction when the worker is killed (${how}) on ${storage}`, async () => {
        const name = `crash-${how}-${randomUUID()}`;
        const acked = new Set<string>();
        for (let round = 0; round < KILLS_PER_DATABASE; round++) {
          const page = await env.openPage('hooks.html');
          await page.exposeFunction('reportAck', (label: string) => void acked.add(label));
          await page.evaluate((o) => (globalThis as any).startWorkload(o), {
            name,
            storage,
            round,
            writers: WRITERS,
            memtableSizeBytes: 48 * 1024,
            ackedBeforeReturn: 8,
          });
          await sleep(KILL_DELAY_MS_MIN + random() * (KILL_DELAY_MS_MAX - KILL_DELAY_MS_MIN));
          await kill(page, how);
          let reader = page;
          if (how === 'terminate') {
            // Every writer stops with the typed error (no hang), having seen its last acknowledgement.
            const stopped = await page.evaluate(() => (globalThis as any).workloadStopped());
            expect(stopped.errors).toEqual(Array(WRITERS).fill('WorkerDiedError'));
            for (const label of stopped.acked) acked.add(label);
          } else {
            reader = await env.openPage('hooks.html');
          }
          const entries = new Map<string, string>(await reader.evaluate(([n, s]) => (globalThis as any).readAll(n, s), [name, storage]));
          // Only with terminate do all acknowledgements surely reach the test before the check.
          expect(checkWorkload(entries, acked, how === 'terminate' ? 1 : undefined)).toEqual([]);
          expect(acked.size).toBeGreaterThanOrEqual(8 * (round + 1));
          await reader.close();
        }
      });
    }
  }
});

if (!hasChromium) describe.skip(`crash tests in the browser: skipped, ${skipReason}`, () => {});
