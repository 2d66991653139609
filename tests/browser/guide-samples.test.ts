// The guide's key-value samples (tests/acceptance/guide), unchanged, run in Chromium through the
// browser entry: each is bundled on its own (its `sochdb` import left to the page's import map,
// `Buffer` from the `buffer` package as an app would add it) and must print the guide's output.
// Not here: the namespace and collection samples (the browser's createNamespace returns a
// Promise, the samples use its result at once) and the two about Node itself (a synchronous open;
// a directory on disk).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, skipReason } from './harness/chromium.js';
import { type BrowserEnv, root, startBrowserEnv } from './harness/setup.js';

const guideDir = path.join(root, 'tests/acceptance/guide');
const NODE_ONLY = new Set([
  'namespaces-create',
  'collections-create',
  'collections-vector-operations',
  'vector-search',
  'embedded-mode-sync-open',
  'embedded-mode-default',
]);
const samples = readdirSync(guideDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .filter((name) => !NODE_ONLY.has(name))
  .sort();

/** As tests/acceptance/guide-samples.test.ts: undo only what the guide's web rendering lost. */
function normalise(text: string): string {
  const out: string[] = [];
  for (const raw of text.replace(/\r\n/g, '\n').split('\n')) {
    const line = raw.replace(/^\s+/, '');
    if (line === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(line);
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.join('\n');
}

let env: BrowserEnv;
let page: Page;

describe.skipIf(!hasChromium)('guide samples in the browser (Chromium)', () => {
  beforeAll(async () => {
    const entries = Object.fromEntries(samples.map((name) => [`guide/${name}`, path.join(guideDir, `${name}.ts`)]));
    env = await startBrowserEnv(['guide-page', 'sochdb-shim'], entries);
    page = await env.openPage('guide.html');
  }, 30_000);
  afterAll(() => env?.close());

  for (const name of samples) {
    it(`${name} runs in the page and prints the guide's output`, async () => {
      const run = await page.evaluate((n) => (globalThis as any).runSample(n), name);
      expect(run.error).toBeNull();
      const expectedFile = path.join(guideDir, `${name}.expected.txt`);
      if (existsSync(expectedFile)) expect(normalise(run.stdout)).toBe(normalise(readFileSync(expectedFile, 'utf8')));
    });
  }
});

if (!hasChromium) describe.skip(`guide samples in the browser: skipped, ${skipReason}`, () => {});
