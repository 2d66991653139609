// Runs the keyword workload against one engine, in this process only (so RSS is the engine's plus
// the corpus strings'), and prints one JSON line (metrics, and the top-10 ids of every query of the
// first pass, which keyword.mjs compares with the plain JS BM25 reference). Usage:
//   node --expose-gc bench/keyword-one.mjs <engine> [--docs=100000] [--vocab=50000] [--queries=1000]
//     [--seed=7] [--zipf-s=1] [--query-cap-s=4] [--query-min-s=1]
// Phases: make the corpus (lib/corpus.mjs), index it all (timed), one first search (timed apart, so
// lazy indexing shows), RSS, then each query set one query at a time (lib/timing.mjs).

import { performance } from 'node:perf_hooks';
import { corpusDefaults, makeCorpus } from './lib/corpus.mjs';
import { keywordEngines } from './lib/keyword-engines.mjs';
import { parseFlags, rssMB } from './lib/report.mjs';
import { timeQueries } from './lib/timing.mjs';

const k = 10;
const defaults = { docs: corpusDefaults.docs, vocab: corpusDefaults.vocab, queries: corpusDefaults.queries, seed: corpusDefaults.seed, zipfS: corpusDefaults.zipfS, queryCapS: 4, queryMinS: 1 };

async function main() {
  const { opts, positional } = parseFlags(process.argv.slice(2), defaults);
  const name = positional[0];
  if (!(name in keywordEngines)) throw new Error(`usage: keyword-one.mjs <${Object.keys(keywordEngines).join('|')}> [flags]`);
  const corpus = makeCorpus({ docs: opts.docs, vocab: opts.vocab, queries: opts.queries, seed: opts.seed, zipfS: opts.zipfS });
  const m = { tokens: corpus.tokens, textMB: corpus.texts.reduce((s, t) => s + t.length, 0) / 1e6, rssLoadedMB: rssMB() };
  const e = await keywordEngines[name].load();
  m.rssEngineLoadedMB = rssMB();
  const t0 = performance.now();
  const h = await e.build(corpus.texts);
  m.buildS = (performance.now() - t0) / 1000;
  m.buildDocsPerSec = opts.docs / m.buildS;
  const t1 = performance.now();
  await e.search(h, corpus.queries.uniform[0], k);
  m.firstSearchMs = performance.now() - t1;
  m.rssAfterBuildMB = rssMB();
  m.rssGrowthMB = m.rssAfterBuildMB - m.rssLoadedMB;
  const top = {};
  m.sets = {};
  for (const [set, queries] of Object.entries(corpus.queries)) {
    const r = await timeQueries((q) => e.search(h, queries[q], k), queries.length, opts.queryCapS, opts.queryMinS);
    m.sets[set] = { qps: r.qps, covered: r.covered, meanHits: r.found.reduce((s, f) => s + f.length, 0) / r.found.length };
    top[set] = r.found;
    process.stderr.write(`  ${name} ${set}: ${JSON.stringify(m.sets[set])}\n`);
  }
  await e.close?.(h);
  process.stdout.write(`${JSON.stringify({ engine: name, note: keywordEngines[name].note, opts, metrics: m, top })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
