// Browser benchmark (`npm run bench:browser`): headless Chromium (Debian's /usr/bin/chromium, or
// CHROMIUM_PATH, driven by playwright-core) loads one page served from 127.0.0.1 and runs, on that
// page, the KV workload of bench/browser/workload.ts against SochDB on OPFS and on IndexedDB
// (the package's browser entry, its engine in its own Worker), idb-keyval (default and strict
// durability) and SQLite's official WASM build on OPFS (in a Worker); then the first query after a
// page load of a collection of `--vectors` vectors. Prints one table and saves JSON to
// bench/results/. The browser profile is a temporary on-disk one (a persistent context): Playwright's
// default contexts are off the record, where OPFS and IndexedDB live in memory.
//
// Flags (each engine stops after --timeout-s=120): --n=20000 --batch=1000 --gets=5000 --scans=100 --scan-len=1000 --vectors=100000 --dim=128
//        --ef-construction=64 --reloads=3 --engines=sochdb-opfs,... --no-vector --quick --seed=1

import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { int, machineLine, ms, parseFlags, ratio, renderTable, saveResults } from './lib/report.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const require = createRequire(import.meta.url);

const engineNames = ['sochdb-opfs', 'sochdb-idb', 'idb-keyval', 'idb-keyval-strict', 'sqlite-opfs'];
const { opts } = parseFlags(process.argv.slice(2), {
  n: 20_000, batch: 1000, gets: 5000, scans: 100, scanLen: 1000, seed: 1,
  vectors: 100_000, dim: 128, efConstruction: 64, reloads: 3, timeoutS: 120, vector: true, quick: false, engines: engineNames.join(','),
});
if (opts.quick) Object.assign(opts, { n: 5000, gets: 1000, scans: 20, vectors: 10_000, reloads: 2 });
const engines = opts.engines.split(',');
for (const e of engines) if (!engineNames.includes(e)) throw new Error(`unknown engine ${e} (known: ${engineNames.join(', ')})`);

const durability = {
  'sochdb-opfs': "commit awaited, syncMode 'full': OPFS sync access handle flush() before the commit resolves",
  'sochdb-idb': "commit awaited, syncMode 'full': IndexedDB transactions with durability 'strict'",
  'idb-keyval': "setMany per batch, idb-keyval's own store: durability 'default' (the browser picks; Chromium's default is relaxed)",
  'idb-keyval-strict': "setMany per batch in a custom store whose transactions ask durability 'strict'",
  'sqlite-opfs': "BEGIN/COMMIT per batch, PRAGMA synchronous=FULL, journal_mode the VFS's default, 'opfs' VFS (COOP/COEP served), in a Worker",
};

const started = new Date();
const missing = ['pkg-ts/dist/browser.js', 'pkg-ts/dist/browser-worker.js', 'pkg-ts/wasm/sochdb_engine.wasm'].filter((f) => !existsSync(path.join(root, f)));
if (missing.length) throw new Error(`${missing.join(', ')} missing: run 'npm run build' first`);
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath} (npm run setup installs Debian's)`);

function peerDir(name, sub) {
  try {
    return path.join(path.dirname(require.resolve(`${name}/package.json`)), sub);
  } catch {
    return null;
  }
}
const sqliteDir = peerDir('@sqlite.org/sqlite-wasm', 'sqlite-wasm/jswasm');
const sqliteVersion = sqliteDir ? require('@sqlite.org/sqlite-wasm/package.json').version : null;
const hasIdbKeyval = peerDir('idb-keyval', '') !== null;

// Page scripts, bundled with esbuild (tsup's); the package itself is loaded as built.
const buildDir = mkdtempSync(path.join(os.tmpdir(), 'sochdb-bench-browser-'));
const profileDir = mkdtempSync(path.join(os.tmpdir(), 'sochdb-bench-profile-'));
const { build } = await import('esbuild');
await build({
  entryPoints: { page: path.join(here, 'browser/page.ts'), 'sqlite-worker': path.join(here, 'browser/sqlite-worker.ts') },
  outdir: buildDir, bundle: true, format: 'esm', platform: 'browser', target: 'es2022',
  external: ['@sochdb/sochdb', '/sqlite/*'], logLevel: 'error',
});

const html = `<!doctype html><meta charset="utf-8"><title>SochDB browser bench</title>
<script type="importmap">{ "imports": { "@sochdb/sochdb": "/pkg/dist/browser.js" } }</script>
<script type="module" src="/build/page.js"></script>`;
const mounts = { '/pkg/': path.join(root, 'pkg-ts'), '/build/': buildDir, ...(sqliteDir ? { '/sqlite/': sqliteDir } : {}) };
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.map': 'application/json' };
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  // Cross-origin isolation, for SQLite's 'opfs' VFS (SharedArrayBuffer + Atomics).
  const headers = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp', 'cache-control': 'no-store' };
  if (url.pathname === '/') return res.writeHead(200, { ...headers, 'content-type': types['.html'] }).end(html);
  const prefix = Object.keys(mounts).find((p) => url.pathname.startsWith(p));
  const dir = prefix && path.resolve(mounts[prefix]);
  const file = dir && path.resolve(dir, '.' + decodeURIComponent(url.pathname.slice(prefix.length - 1)));
  let ok = false;
  try { ok = file && file.startsWith(dir + path.sep) && statSync(file).isFile(); } catch {}
  if (!ok) return res.writeHead(404, headers).end('not found');
  res.writeHead(200, { ...headers, 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

const { chromium } = await import('playwright-core');
const context = await chromium.launchPersistentContext(profileDir, {
  executablePath: chromiumPath, headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
const browserVersion = context.browser()?.version() ?? (await (async () => { const p = await context.newPage(); const v = await p.evaluate(() => navigator.userAgent); await p.close(); return v; })());
const page = context.pages()[0] ?? (await context.newPage());
page.on('pageerror', (e) => process.stderr.write(`[page] ${e.message}\n`));
page.setDefaultTimeout(5 * 60 * 1000);
const load = async () => {
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => globalThis.pageReady === true);
};

const results = {};
const extra = {};
let vector = null;
try {
  await load();
  const isolated = await page.evaluate(() => globalThis.bench.isolated);
  const kvOpts = { n: opts.n, batch: opts.batch, gets: opts.gets, scans: opts.scans, scanLen: opts.scanLen, seed: opts.seed };
  for (const e of engines) {
    if (e === 'sqlite-opfs' && !sqliteDir) { results[e] = { error: 'not installed (@sqlite.org/sqlite-wasm)' }; continue; }
    if (e.startsWith('idb-keyval') && !hasIdbKeyval) { results[e] = { error: 'not installed (idb-keyval)' }; continue; }
    process.stderr.write(`bench:browser: ${e} ...`);
    const t0 = Date.now();
    try {
      const r = await Promise.race([
        page.evaluate(([e, o]) => globalThis.bench.kv(e, o), [e, kvOpts]),
        new Promise((_, reject) => setTimeout(() => reject(new Error(`Error: timed out after ${opts.timeoutS} s`)), opts.timeoutS * 1000).unref()),
      ]);
      results[e] = r;
      process.stderr.write(` ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    } catch (err) {
      results[e] = { error: String(err.message ?? err).split('\n').find((l) => /rror/.test(l)) ?? String(err).slice(0, 200) };
      process.stderr.write(` n/a (${results[e].error})\n`);
      await load();
    }
  }
  extra.crossOriginIsolated = isolated;
  if (opts.vector) {
    const vo = { n: opts.vectors, dim: opts.dim, seed: opts.seed, efConstruction: opts.efConstruction };
    process.stderr.write(`bench:browser: ${int(opts.vectors)} × ${opts.dim} collection on OPFS, build ...`);
    try {
      await load();
      const built = await page.evaluate((o) => globalThis.bench.vecBuild(o), vo);
      process.stderr.write(` ${built.buildS.toFixed(1)} s; reload + first query ×${opts.reloads} ...`);
      const firsts = [];
      for (let i = 0; i < opts.reloads; i++) {
        await load(); // a new page load: a fresh engine worker, nothing cached in JS
        firsts.push(await page.evaluate((o) => globalThis.bench.vecFirst(o), { ...vo, k: 10 }));
      }
      const sorted = firsts.map((f) => f.firstQueryMs).sort((a, b) => a - b);
      vector = { ...built, firsts, firstQueryMedianMs: sorted[Math.floor(sorted.length / 2)], firstQueryFirstMs: firsts[0].firstQueryMs };
      process.stderr.write(` median ${ms(vector.firstQueryMedianMs)} ms\n`);
    } catch (err) {
      vector = { error: String(err.message ?? err).split('\n')[0] };
      process.stderr.write(` n/a (${vector.error})\n`);
    }
  }
  await load();
  await page.evaluate(() => globalThis.bench.wipe());
} finally {
  await context.close();
  server.close();
  rmSync(buildDir, { recursive: true, force: true });
  rmSync(profileDir, { recursive: true, force: true });
}

// The table: rows are metrics, columns engines, then SochDB-OPFS ratios.
const val = (e, key) => results[e]?.metrics?.[key];
const rows = [
  ['putOps', `puts (ops/s, batches of ${int(opts.batch)}, durable per batch; SochDB: txn.put awaited one by one)`, int],
  ['pipelinedPutOps', 'puts, SochDB txn.put not awaited one by one (Promise.all per batch; others: same as above)', int],
  ['getOps', 'random gets, awaited one by one (ops/s)', int],
  ['scanKeysPerSec', `range scans of ${int(opts.scanLen)} keys (keys/s)`, int],
];
const cols = engines;
const header = ['metric', ...cols, 'soch-opfs/sqlite-opfs', 'soch-opfs/idb-keyval', 'soch-opfs/idb-keyval-strict'];
const lines = [header];
const cell = (e, key) => (key === 'pipelinedPutOps' && !e.startsWith('sochdb') ? val(e, 'putOps') : val(e, key));
for (const [key, label, fmt] of rows) {
  const cells = [label];
  for (const e of cols) {
    const v = cell(e, key);
    cells.push(results[e]?.error ? 'n/a' : v === undefined ? '-' : fmt(v));
  }
  const s = cell('sochdb-opfs', key);
  cells.push(ratio(s, cell('sqlite-opfs', key)), ratio(s, cell('idb-keyval', key)), ratio(s, cell('idb-keyval-strict', key)));
  lines.push(cells);
}
console.log(`\nBrowser: ${browserVersion}, headless; ${machineLine()}`);
console.log(`KV: ${int(opts.n)} puts (16-byte keys, 100-byte values, shuffled order), ${int(opts.gets)} gets, ${opts.scans} scans; crossOriginIsolated ${extra.crossOriginIsolated}`);
console.log(renderTable(lines));
console.log('\nDurability per column:');
for (const e of cols) console.log(`  ${e}: ${durability[e]}${results[e]?.error ? ` — n/a: ${results[e].error}` : ''}`);
console.log('  SQLite runs the whole workload inside its Worker (no message per op); SochDB pays a main-thread ↔ Worker round trip per call.');
console.log('  idb-keyval has no range read: its scans are a raw IDB cursor (IDBKeyRange.bound) on the same store.');
if (sqliteVersion) console.log(`  @sqlite.org/sqlite-wasm ${sqliteVersion} (SQLite ${results['sqlite-opfs']?.version ?? '?'}, journal_mode ${results['sqlite-opfs']?.journal ?? '?'})`);

const putsOf = (e, key = 'putOps') => val(e, key);
const target = (label, a, b, f) => `  ${label}: ${a === undefined || b === undefined ? '(n/a)' : `${(a / b).toFixed(2)}× ${a >= f * b ? '✓' : '✗'}`}`;
console.log('\nTargets:');
for (const key of ['putOps', 'pipelinedPutOps']) {
  const s = putsOf('sochdb-opfs', key);
  const what = key === 'putOps' ? 'awaited puts' : 'pipelined puts';
  console.log(target(`SochDB-OPFS ${what} ≥ 2× SQLite-OPFS`, s, putsOf('sqlite-opfs'), 2));
  console.log(target(`SochDB-OPFS ${what} ≥ 5× idb-keyval (default durability)`, s, putsOf('idb-keyval'), 5));
  console.log(target(`SochDB-OPFS ${what} ≥ 5× idb-keyval (strict)`, s, putsOf('idb-keyval-strict'), 5));
}
if (vector?.error) console.log(`  first query after page load, ${int(opts.vectors)} × ${opts.dim}: n/a (${vector.error})`);
else if (vector) {
  const f = vector.firsts;
  console.log(`  first query after page load, ${int(opts.vectors)} × ${opts.dim} on OPFS < 1,000 ms: median of ${f.length} reloads ${ms(vector.firstQueryMedianMs)} ms ${vector.firstQueryMedianMs < 1000 ? '✓' : '✗'} ` +
    `(each: ${f.map((x) => ms(x.firstQueryMs)).join(', ')} ms; first reload: open ${ms(f[0].openMs)} + namespace/collection ${ms(f[0].collectionMs)} + search ${ms(f[0].searchMs)} ms; second search ${ms(f[0].secondSearchMs)} ms)`);
  console.log(`  (collection built once on the first load: insertBatch of 1,000, m 16, efConstruction ${opts.efConstruction}, cosine; ${vector.buildS.toFixed(1)} s)`);
}
const file = saveResults('browser', started, { opts, browser: browserVersion, durability, results, vector, extra, sqliteVersion });
console.log(`\nsaved ${file}`);
