// Keyword benchmark: runs bench/keyword-one.mjs once per engine, each in its own child process (so
// RSS is the engine's), and prints one table: rows are metrics, columns are engines, plus
// SochDB/MiniSearch and SochDB/Orama ratios and the issue's targets. Saves the raw results to
// bench/results/keyword-<time>.json.
//
// Usage: npm run bench:keyword [-- --docs=100000 --engines=sochdb,minisearch --quick]
//   --quick  10,000 documents and 200 queries; other flags go to keyword-one.mjs (see its header).
// Every engine's top 10 is compared with the plain JS BM25 reference (SochDB's formula): "agreement"
// is the mean share of the reference's top 10 an engine returns. MiniSearch (BM25+) and Orama
// (BM25 with prefix matching by default) score differently, so theirs is below 1 by design.

import { performance } from 'node:perf_hooks';
import { corpusDefaults } from './lib/corpus.mjs';
import { keywordEngineNames, keywordEngines } from './lib/keyword-engines.mjs';
import { goal, int, machineLine, mb, parseFlags, qps, ratio, renderTable, runChild, saveResults } from './lib/report.mjs';

const defaults = {
  engines: keywordEngineNames.join(','),
  quick: false,
  docs: corpusDefaults.docs,
  vocab: corpusDefaults.vocab,
  queries: corpusDefaults.queries,
  seed: corpusDefaults.seed,
  zipfS: corpusDefaults.zipfS,
  queryCapS: 4,
  queryMinS: 1,
};
const { opts } = parseFlags(process.argv.slice(2), defaults);
const given = new Set(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')[0].replace(/-(\w)/g, (_, c) => c.toUpperCase())));
if (opts.quick) {
  if (!given.has('docs')) opts.docs = 10_000;
  if (!given.has('queries')) opts.queries = 200;
  if (!given.has('queryCapS')) opts.queryCapS = 1;
  if (!given.has('queryMinS')) opts.queryMinS = 0.3;
}
const selected = opts.engines.split(',');
for (const name of selected) if (!(name in keywordEngines)) throw new Error(`unknown engine ${name} (known: ${keywordEngineNames.join(', ')})`);
const reference = 'js-bm25';

/** Mean share of the reference's top-k ids that `top` has, over the queries both covered. */
function agreement(top, ref) {
  if (!top || !ref) return undefined;
  const count = Math.min(top.length, ref.length);
  let sum = 0;
  let counted = 0;
  for (let q = 0; q < count; q++) {
    if (ref[q].length === 0) continue;
    const want = new Set(ref[q]);
    sum += top[q].filter((id) => want.has(id)).length / ref[q].length;
    counted++;
  }
  return counted ? sum / counted : undefined;
}

const rows = [
  { label: 'index build (docs/s)', get: (m) => m.buildDocsPerSec, fmt: int },
  { label: 'first search after the build (ms, a uniform query)', get: (m) => m.firstSearchMs, fmt: (x) => (x < 10 ? x.toFixed(2) : int(x)) },
  { label: 'RSS after build (MB, whole process, corpus strings included)', get: (m) => m.rssAfterBuildMB, fmt: mb },
  { label: 'RSS growth over build (MB)', get: (m) => m.rssGrowthMB, fmt: mb,
    target: (s, o) => [`< minisearch ${s === undefined || o.minisearch === undefined ? '(n/a)' : s < o.minisearch ? '✓' : '✗'}`] },
  { label: 'top-10 QPS, Zipf queries (2-4 common terms)', get: (m) => m.sets?.zipf?.qps, fmt: qps,
    target: (s, o) => [`≥20× minisearch ${goal(s, o.minisearch, 20)}`] },
  { label: '  queries in the first pass (agreement is over these)', get: (m) => m.sets?.zipf?.covered, fmt: int, noRatio: true },
  { label: '  agreement with the BM25 reference top 10', get: (m, r) => r.agreement?.zipf, fmt: (x) => x.toFixed(3), noRatio: true },
  { label: 'top-10 QPS, uniform queries (2-4 mostly rare terms)', get: (m) => m.sets?.uniform?.qps, fmt: qps },
  { label: '  agreement with the BM25 reference top 10', get: (m, r) => r.agreement?.uniform, fmt: (x) => x.toFixed(3), noRatio: true },
];

function table(results) {
  const by = Object.fromEntries(results.map((r) => [r.engine, r]));
  const header = ['metric', ...selected.map((n) => keywordEngines[n].label), 'sochdb/minisearch', 'sochdb/orama', 'target (sochdb)'];
  const lines = [header];
  for (const row of rows) {
    const value = (name) => (by[name]?.metrics ? row.get(by[name].metrics, by[name]) : undefined);
    const cells = [row.label];
    for (const name of selected) {
      const r = by[name];
      const v = value(name);
      cells.push(r?.error ? (/not installed/.test(r.error) ? 'n/a (not installed)' : 'n/a (failed)') : v === undefined ? 'n/a' : row.fmt(v));
    }
    const s = value('sochdb');
    const others = { minisearch: value('minisearch'), orama: value('orama') };
    cells.push(row.noRatio ? '' : ratio(s, others.minisearch), row.noRatio ? '' : ratio(s, others.orama));
    cells.push(row.target ? row.target(s, others).join(', ') : '');
    lines.push(cells);
  }
  return renderTable(lines);
}

const started = new Date();
const t0 = performance.now();
const passThrough = ['docs', 'vocab', 'queries', 'seed', 'zipfS', 'queryCapS', 'queryMinS'].map(
  (k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}=${opts[k]}`,
);
console.log(`Keyword benchmark. ${machineLine()}`);
const order = selected.includes(reference) ? selected : [...selected, reference]; // the reference always runs
const results = [];
for (const name of order) {
  process.stderr.write(`bench:keyword: ${name} ...`);
  const t = Date.now();
  const r = runChild('keyword-one.mjs', [name, ...passThrough]);
  r.engine ??= name;
  process.stderr.write(r.error ? ` n/a (${r.error})\n` : ` ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
  results.push(r);
}
const ref = results.find((r) => r.engine === reference);
for (const r of results) {
  r.agreement = { zipf: agreement(r.top?.zipf, ref?.top?.zipf), uniform: agreement(r.top?.uniform, ref?.top?.uniform) };
  delete r.top;
}
const m0 = results.find((r) => r.metrics)?.metrics;
console.log();
console.log(`${int(opts.docs)} documents of 20-100 words (${m0 ? `${int(m0.tokens)} tokens, ${mb(m0.textMB)} MB of text` : ''}), vocabulary ${int(opts.vocab)}, Zipf s=${opts.zipfS}; ${int(opts.queries)} queries per set; BM25 top 10; load average now ${machineLine().split('load average ')[1]}`);
console.log(table(results));
console.log();
console.log('Targets (issue): keyword QPS ≥ 20× MiniSearch at 100k documents (judged on the Zipf queries) with less memory');
console.log('than MiniSearch (judged on RSS growth). Ratios are sochdb ÷ other (for MB lower is better). Single thread, one');
console.log('query at a time; slow engines are timed on the first queries only (see "queries timed"). What each column is:');
for (const name of order) console.log(`  ${keywordEngines[name].label}: ${keywordEngines[name].note}`);
console.log(`\nTotal ${((performance.now() - t0) / 1000).toFixed(0)} s. Results saved to ${saveResults('keyword', started, { opts, results })}`);
