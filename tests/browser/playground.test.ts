// The playground (web-demo/) as a person uses it: built with Vite (as `npm run playground:build`
// does), served as static files, driven through its UI in Chromium. Key-value and TOON output,
// loading the sample corpus, vector / keyword / hybrid searches, filters, inline errors, and a
// reload that finds everything still there. Saves a screenshot to test-artifacts/playground.png.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from './harness/chromium.js';
import { root } from './harness/setup.js';
import { type StaticServer, startStaticServer } from './harness/static-server.js';

const VIEWPORT = { width: 1440, height: 900 };
const CORPUS_SIZE = 300;
const artifacts = path.join(root, 'test-artifacts');

let outDir: string;
let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  if (!hasChromium) return;
  outDir = mkdtempSync(path.join(tmpdir(), 'sochdb-playground-'));
  await build({
    configFile: path.join(root, 'web-demo/vite.config.ts'),
    mode: 'production',
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  server = await startStaticServer({ '/': outDir });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

async function openPlayground(page: Page, query = ''): Promise<void> {
  await page.goto(`${server.origin}/index.html${query}`);
  await waitReady(page);
}

async function waitReady(page: Page): Promise<void> {
  await page.waitForFunction(() => document.body.dataset.ready !== undefined, null, { timeout: 20_000 });
  expect(await page.evaluate(() => document.body.dataset.ready)).toBe('true');
}

function searches(page: Page): Promise<number> {
  return page.evaluate(() => Number(document.getElementById('search-results')!.dataset.searches ?? 0));
}

/** Runs a search from the query box and waits for its results (or its inline error). */
async function search(page: Page, query: string): Promise<void> {
  const before = await searches(page);
  await page.fill('#search-query', query);
  await page.press('#search-query', 'Enter');
  await page.waitForFunction(
    (n) => {
      const { searches = '0', pending = '0' } = document.getElementById('search-results')!.dataset;
      return pending === '0' && (Number(searches) > n || document.querySelector('#search-panel .error') !== null);
    },
    before,
  );
}

interface Hit {
  id: string;
  topic: string;
  year: number;
  source: string;
}

function hits(page: Page): Promise<Hit[]> {
  return page.$$eval('#search-results .hit', (items) =>
    items.map((li) => {
      const d = (li as HTMLElement).dataset;
      return { id: d.id!, topic: d.topic!, year: Number(d.year), source: d.source! };
    }),
  );
}

async function waitCorpusLoaded(page: Page): Promise<void> {
  await page.waitForFunction((n) => document.getElementById('collection-count')?.dataset.count === String(n), CORPUS_SIZE, { timeout: 20_000 });
}

describe.skipIf(!hasChromium)('playground (web-demo, Chromium)', () => {
  let page: Page;
  beforeAll(async () => {
    page = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
    page.on('pageerror', (e) => console.error(`[playground] ${e.message}`));
    await openPlayground(page);
  }, 30_000);

  it('opens the database on OPFS and says so in the header', async () => {
    expect(await page.getAttribute('#storage-pill', 'data-storage')).toBe('opfs');
    expect(await page.textContent('#storage-pill')).toContain('OPFS');
    expect(await page.textContent('#engine-stats')).toContain('Sequence');
  });

  it('puts, gets and deletes a key, and shows a typed error inline', async () => {
    await page.fill('#kv-key', 'notes/first');
    await page.fill('#kv-value', 'hello from the playground test');
    await page.click('#kv-put');
    await expect.poll(() => page.textContent('#kv-result')).toContain("Put 'notes/first'");
    await page.fill('#kv-value', '');
    await page.click('#kv-get');
    await expect.poll(() => page.inputValue('#kv-value')).toBe('hello from the playground test');
    await page.click('#kv-delete');
    await expect.poll(() => page.textContent('#kv-result')).toContain("Deleted 'notes/first'");
    await page.click('#kv-get');
    await expect.poll(() => page.textContent('#kv-result')).toContain("'notes/first' is not set");

    await page.fill('#kv-key', '');
    await page.click('#kv-put');
    const error = page.locator('#kv-panel .error');
    await error.waitFor();
    expect(await error.locator('.error-name').textContent()).toBe('InvalidArgumentError');
    expect(await error.locator('.error-code').textContent()).toMatch(/^[A-Z_]+$/);
  });

  it('scans a prefix and shows a query as TOON', async () => {
    await page.click('#kv-samples');
    await page.waitForSelector('#scan-out .kv-table');
    expect(await page.locator('#scan-out tbody tr').count()).toBe(5);
    await page.click('#query-run');
    await expect.poll(() => page.textContent('#query-out')).toContain('result[5]{name,role,city}:');
    expect(await page.textContent('#query-out')).toContain('Ada Lovelace,admin,London');
  });

  it('loads the sample corpus and finds the expected topic first, in every mode', async () => {
    await page.click('#load-corpus');
    await waitCorpusLoaded(page);
    // Loading runs the first example ("telescope images of distant galaxies") in hybrid mode.
    await page.waitForFunction(() => Number(document.getElementById('search-results')!.dataset.searches ?? 0) > 0);
    expect((await hits(page))[0]!.topic).toBe('space');
    expect(await page.textContent('#search-summary')).toMatch(/search \d+(\.\d+)? m?s/);

    await page.click('#mode-vector');
    await search(page, 'baking bread with a sourdough starter');
    const vector = await hits(page);
    expect(vector).toHaveLength(8);
    expect(vector[0]!.topic).toBe('cooking');
    expect(vector.filter((h) => h.topic === 'cooking').length).toBeGreaterThanOrEqual(6);

    await page.click('#mode-keyword');
    await search(page, 'sourdough');
    const keyword = await hits(page);
    expect(keyword.length).toBeGreaterThan(0);
    const texts = await page.$$eval('#search-results .hit', (items) => items.map((li) => li.textContent!.toLowerCase()));
    for (const text of texts) expect(text).toContain('sourdough');

    // Hybrid with alpha 0 is a plain keyword search.
    await page.click('#mode-hybrid');
    await page.$eval('#search-alpha', (input) => {
      (input as HTMLInputElement).value = '0';
      input.dispatchEvent(new Event('input'));
    });
    await search(page, 'sourdough');
    expect((await hits(page)).map((h) => h.id)).toEqual(keyword.map((h) => h.id));
    expect(await page.textContent('#search-summary')).toContain('α 0.00');
    await page.$eval('#search-alpha', (input) => {
      (input as HTMLInputElement).value = '0.5';
      input.dispatchEvent(new Event('input'));
    });
  });

  it('narrows results with the filter form and with a JSON filter, and shows filter errors inline', async () => {
    await search(page, 'telescope images of distant galaxies');
    expect((await hits(page))[0]!.topic).toBe('space');

    await page.selectOption('#filter-topic', 'music');
    await page.fill('#filter-year-from', '2021');
    await search(page, 'telescope images of distant galaxies');
    const music = await hits(page);
    expect(music.length).toBeGreaterThan(0);
    for (const h of music) {
      expect(h.topic).toBe('music');
      expect(h.year).toBeGreaterThanOrEqual(2021);
    }
    expect(await page.textContent('#filter-preview')).toBe('{"topic":"music","year":{"$gte":2021}}');

    await page.click('#filter-clear');
    await page.click('#filter-advanced summary');
    await page.fill('#filter-json', '{ "source": { "$in": ["paper"] }, "year": { "$lt": 2019 } }');
    await search(page, 'telescope images of distant galaxies');
    const papers = await hits(page);
    expect(papers.length).toBeGreaterThan(0);
    for (const h of papers) {
      expect(h.source).toBe('paper');
      expect(h.year).toBeLessThan(2019);
    }

    await page.fill('#filter-json', '{ "topic": ');
    const jsonError = page.locator('#filter-advanced .error');
    await jsonError.waitFor();
    expect(await jsonError.locator('.error-name').textContent()).toBe('SyntaxError');

    await page.fill('#filter-json', '{ "year": { "$near": 2020 } }');
    await search(page, 'telescope');
    const engineError = page.locator('#search-panel .error');
    await engineError.waitFor();
    expect(await engineError.locator('.error-name').textContent()).toMatch(/Error$/);
    expect(await engineError.locator('.error-code').textContent()).toMatch(/^[A-Z_]+$/);

    await page.click('#filter-clear');
  });

  it('finds the collection and the keys again after a reload, and saves a screenshot', async () => {
    await page.reload();
    await waitReady(page);
    await waitCorpusLoaded(page);
    expect(await page.getAttribute('#storage-pill', 'data-storage')).toBe('opfs');

    await page.fill('#kv-key', 'users/grace');
    await page.click('#kv-get');
    await expect.poll(() => page.inputValue('#kv-value')).toContain('Grace Hopper');

    await page.click('#query-run');
    await expect.poll(() => page.textContent('#query-out')).toContain('Ada Lovelace,admin,London');

    await search(page, 'telescope images of distant galaxies');
    const after = await hits(page);
    expect(after).toHaveLength(8);
    expect(after[0]!.topic).toBe('space');

    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'playground.png'), fullPage: true });
  });

  it('keeps data across a reload on IndexedDB too (?storage=indexeddb)', async () => {
    const tab = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
    await openPlayground(tab, '?storage=indexeddb');
    expect(await tab.getAttribute('#storage-pill', 'data-storage')).toBe('indexeddb');
    await tab.fill('#kv-key', 'idb/key');
    await tab.fill('#kv-value', 'stored in IndexedDB');
    await tab.click('#kv-put');
    await expect.poll(() => tab.textContent('#kv-result')).toContain("Put 'idb/key'");
    await tab.reload();
    await waitReady(tab);
    expect(await tab.getAttribute('#storage-pill', 'data-storage')).toBe('indexeddb');
    await tab.fill('#kv-key', 'idb/key');
    await tab.fill('#kv-value', '');
    await tab.click('#kv-get');
    await expect.poll(() => tab.inputValue('#kv-value')).toBe('stored in IndexedDB');
    await tab.context().close();
  });
});
