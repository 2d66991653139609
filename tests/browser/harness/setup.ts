/**
 * Per test file: bundles the test pages' scripts (esbuild, which tsup brings), serves them with
 * the built package, and launches Chromium. The package must be built (`npm test` builds first).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { type StaticServer, startStaticServer } from './static-server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '../../..');
const pagesDir = path.resolve(here, '../pages');

export interface BrowserEnv {
  browser: Browser;
  server: StaticServer;
  /** Opens `pages/<page>` in a new tab (of `context`, default the first one) and waits for its script. */
  openPage(page: string, context?: import('playwright-core').BrowserContext): Promise<Page>;
  close(): Promise<void>;
}

/**
 * `scripts`: page scripts in `pages/` to bundle into `/build/<name>.js`; `extra`: more entries,
 * output name → source file.
 */
export async function startBrowserEnv(scripts: string[] = [], extra: Record<string, string> = {}): Promise<BrowserEnv> {
  for (const f of ['pkg-ts/dist/browser.js', 'pkg-ts/dist/browser-worker.js', 'pkg-ts/wasm/sochdb_engine.wasm']) {
    if (!existsSync(path.join(root, f))) throw new Error(`${f} is missing: run 'npm run build' first`);
  }
  const buildDir = mkdtempSync(path.join(tmpdir(), 'sochdb-browser-'));
  if (scripts.length > 0) {
    await build({
      entryPoints: { ...Object.fromEntries(scripts.map((s) => [s, path.join(pagesDir, `${s}.ts`)])), ...extra },
      outdir: buildDir,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      // The package is loaded as built, through the pages' import map, never bundled here.
      external: ['@sochdb/sochdb', 'sochdb', '/pkg/*'],
      inject: [path.join(root, 'pkg-ts/src/browser/buffer-shim.ts')],
      alias: { 'node:assert/strict': path.join(pagesDir, 'assert-shim.ts') },
      logLevel: 'error',
    });
  }
  const server = await startStaticServer({ '/pkg/': path.join(root, 'pkg-ts'), '/pages/': pagesDir, '/build/': buildDir });
  const browser = await launchChromium();
  const firstContext = await browser.newContext();
  return {
    browser,
    server,
    async openPage(page, context = firstContext) {
      const tab = await context.newPage();
      tab.on('pageerror', (e) => console.error(`[${page}] ${e.message}`));
      await tab.goto(`${server.origin}/pages/${page}`);
      await tab.waitForFunction(() => (globalThis as { pageReady?: boolean }).pageReady === true);
      return tab;
    },
    async close() {
      await browser.close();
      await server.close();
      rmSync(buildDir, { recursive: true, force: true });
    },
  };
}
