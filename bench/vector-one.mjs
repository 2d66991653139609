// Runs the vector workload against one engine, in this process only (so RSS is the engine's plus the
// dataset's), and prints one JSON line. Usage:
//   node --expose-gc bench/vector-one.mjs <engine> --n=10000 --dim=128 [--queries=1000] [--seed=1]
//     [--m=16] [--ef-construction=200] [--efs=10,16,24,32,40,48,64,96,128,256] [--build-cap-s=180] [--query-cap-s=4]
//     [--query-min-s=1] [--keep-dir=<path>]
// The dataset must already be cached (vector.mjs makes it; see lib/vector-data.mjs).
// --keep-dir: the index is built and saved in that directory (made if missing, must be empty) and
// left there, so vector-duel.mjs can open it; without it a temporary directory is used and removed.
//
// Phases: build (add all n vectors in chunks of 1,000, then one search, so lazy work counts), RSS,
// then per efSearch the queries one by one (single thread, awaited; see lib/timing.mjs), with
// recall@10 against the exact neighbours. Engines with no efSearch get one point. SochDB also runs `exact: true` searches and the SIMD dot-product limit
// module on the same data. Last, engines that persist: save, then open + first search (timed).
// A build projected to take longer than build-cap-s is stopped; the result says so and has no search.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseFlags, rssMB } from './lib/report.mjs';
import { simdDotRowsPerSec } from './lib/simd-dot.mjs';
import { timeQueries } from './lib/timing.mjs';
import { k, loadDataset, recallAt } from './lib/vector-data.mjs';
import { vectorEngines } from './lib/vector-engines.mjs';

const defaults = { n: 10_000, dim: 128, queries: 1000, seed: 1, m: 16, efConstruction: 200, efs: '10,16,24,32,40,48,64,96,128,256', buildCapS: 180, queryCapS: 4, queryMinS: 1, keepDir: '', chunk: 1000 };

/** QPS and recall@10 of `search(q)` over the queries (see timeQueries). */
async function timedQueries(search, query, truth, spec, capS, minS) {
  const { dim, queries } = spec;
  const r = await timeQueries((q) => search(query.subarray(q * dim, (q + 1) * dim)), queries, capS, minS);
  return { qps: r.qps, recall: recallAt(r.found, truth, r.covered), queries: r.covered };
}

async function build(e, h, base, spec, opts) {
  const { n } = spec;
  const t0 = performance.now();
  for (let from = 0; from < n; from += opts.chunk) {
    const to = Math.min(n, from + opts.chunk);
    await e.add(h, base, from, to);
    const seconds = (performance.now() - t0) / 1000;
    const projected = (seconds / to) * n;
    if (to < n && to >= n * 0.03 && seconds > 5 && projected > opts.buildCapS) {
      return { capped: true, built: to, buildRate: to / seconds, projectedBuildS: projected };
    }
  }
  return { capped: false, built: n, buildT0: t0 };
}

/** The directory the index lives in: `keepDir` (made, must be empty) or a new temporary one. */
function indexDir(name, keepDir) {
  if (!keepDir) return fs.mkdtempSync(path.join(os.tmpdir(), `sochdb-bench-vector-${name}-`));
  fs.mkdirSync(keepDir, { recursive: true });
  if (fs.readdirSync(keepDir).length) throw new Error(`--keep-dir ${keepDir} is not empty`);
  return keepDir;
}

async function main() {
  const { opts, positional } = parseFlags(process.argv.slice(2), defaults);
  const name = positional[0];
  if (!(name in vectorEngines)) throw new Error(`usage: vector-one.mjs <${Object.keys(vectorEngines).join('|')}> [flags]`);
  const spec = { n: opts.n, dim: opts.dim, queries: opts.queries, seed: opts.seed, m: opts.m, efConstruction: opts.efConstruction };
  const { base, query, truth } = loadDataset(spec);
  const m = { rssBaselineMB: rssMB() };
  const e = await vectorEngines[name].load();
  m.rssLoadedMB = rssMB();
  const dir = indexDir(name, opts.keepDir);
  try {
    let h = await e.create({ ...spec, dir });
    const b = await build(e, h, base, spec, opts);
    if (b.capped) {
      Object.assign(m, { capped: true, built: b.built, buildRate: b.buildRate, projectedBuildS: b.projectedBuildS });
      process.stdout.write(`${JSON.stringify({ engine: name, note: vectorEngines[name].note, spec, metrics: m })}\n`);
      return;
    }
    await e.search(h, query.subarray(0, spec.dim), k);
    m.buildS = (performance.now() - b.buildT0) / 1000;
    m.buildRate = spec.n / m.buildS;
    m.rssAfterBuildMB = rssMB();
    m.rssGrowthMB = m.rssAfterBuildMB - m.rssLoadedMB;

    m.sweep = [];
    const search = (q) => e.search(h, q, k);
    if (e.setEf) {
      for (const ef of opts.efs.split(',').map(Number)) {
        await e.setEf(h, ef);
        m.sweep.push({ ef, ...(await timedQueries(search, query, truth, spec, opts.queryCapS, opts.queryMinS)) });
        process.stderr.write(`  ${name} ef=${ef}: ${JSON.stringify(m.sweep.at(-1))}\n`);
      }
    } else {
      m.sweep.push({ ef: null, ...(await timedQueries(search, query, truth, spec, opts.queryCapS, opts.queryMinS)) });
    }

    if (e.searchExact) {
      m.exact = await timedQueries((q) => e.searchExact(h, q, k), query, truth, spec, opts.queryCapS, opts.queryMinS);
      m.exact.rowsPerSec = m.exact.qps * spec.n;
      try {
        m.simdDotRowsPerSec = await simdDotRowsPerSec(base, spec.n, spec.dim, query, 2);
      } catch (err) {
        m.simdDotError = String(err.message ?? err);
      }
    }

    if (e.save && e.open) {
      if (e.setEf) await e.setEf(h, 64);
      let t0 = performance.now();
      await e.save(h, dir);
      m.saveMs = performance.now() - t0;
      h = null;
      rssMB(); // collect the closed index before timing the open
      t0 = performance.now();
      h = await e.open(dir, spec);
      const first = await e.search(h, query.subarray(0, spec.dim), k);
      m.openFirstSearchMs = performance.now() - t0;
      m.openFirstSearchRecall = recallAt([first], truth, 1);
    }
    await e.close?.(h);
  } finally {
    if (!opts.keepDir) fs.rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify({ engine: name, note: vectorEngines[name].note, spec, metrics: m })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
