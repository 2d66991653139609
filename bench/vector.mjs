// Vector benchmark: for each dataset size, runs bench/vector-one.mjs once per engine, each in its own
// child process (so RSS is the engine's), and prints one table per dataset: rows are metrics, columns
// are engines, plus SochDB/hnswlib-node and SochDB/hnswlib-wasm ratios and the issue's targets.
// Then, when sochdb and hnswlib-node both ran, the head-to-head (bench/vector-duel.mjs): SochDB,
// hnswlib-node (both opening the indexes their children saved) and hnswlib-wasm (built there) in ONE
// process, taking turns in alternating rounds, best round each. The machine's speed drifts between
// processes (up to 2x on a small VM), so the QPS ratios of that second table are the ones to trust;
// build rate and RSS still come from the separate processes.
// Saves the raw results to bench/results/vector-<time>.json (runs[i].results, runs[i].duel).
//
// Usage: npm run bench:vector [-- --sizes=10000x128,100000x128 --engines=sochdb,hnswlib-node --quick]
//   --sizes    datasets as <n>x<dim>, comma-separated (default: 10k and 100k at 128 and 384 dims);
//   --quick    small sizes and short timings (10k × 128, 2k × 384; 200 queries; 0.2 s duel rounds);
//   --queries, --seed, --m, --ef-construction, --efs, --build-cap-s, --query-cap-s, --query-min-s
//              go to vector-one.mjs (see its header);
//   --duel=false  skips the head-to-head; --rounds (default 10), --round-s (default 0.3) go to it.
// A peer package that is not installed shows "n/a (not installed)"; a build projected past
// --build-cap-s (default 180 s) is stopped and shows "capped".

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { goal, int, machineLine, mb, ms, parseFlags, qps, ratio, renderTable, runChild, saveResults } from './lib/report.mjs';
import { ensureDataset } from './lib/vector-data.mjs';
import { vectorEngineNames, vectorEngines } from './lib/vector-engines.mjs';

const defaults = {
  sizes: '10000x128,100000x128,10000x384,100000x384',
  engines: vectorEngineNames.join(','),
  quick: false,
  queries: 1000,
  seed: 1,
  m: 16,
  efConstruction: 200,
  efs: '10,16,24,32,40,48,64,96,128,256',
  buildCapS: 180,
  queryCapS: 4,
  queryMinS: 1,
  duel: true,
  rounds: 10,
  roundS: 0.3,
};
const { opts } = parseFlags(process.argv.slice(2), defaults);
const given = new Set(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')[0].replace(/-(\w)/g, (_, c) => c.toUpperCase())));
if (opts.quick) {
  if (!given.has('sizes')) opts.sizes = '10000x128,2000x384';
  if (!given.has('queries')) opts.queries = 200;
  if (!given.has('queryMinS')) opts.queryMinS = 0.3;
  if (!given.has('queryCapS')) opts.queryCapS = 1;
  if (!given.has('roundS')) opts.roundS = 0.2;
}
const selected = opts.engines.split(',');
for (const name of selected) if (!(name in vectorEngines)) throw new Error(`unknown engine ${name} (known: ${vectorEngineNames.join(', ')})`);
const sizes = opts.sizes.split(',').map((s) => {
  const match = /^(\d+)(k?)[x×](\d+)$/i.exec(s.trim());
  if (!match) throw new Error(`--sizes: '${s}' is not <n>x<dim>`);
  return { n: Number(match[1]) * (match[2] ? 1000 : 1), dim: Number(match[3]) };
});

const duelNames = ['sochdb', 'sochdb-f32', 'sochdb-int8', 'hnswlib-node', 'hnswlib-wasm'];
/** The SochDB configurations the ratios and targets are computed for. */
const subjectNames = ['sochdb', 'sochdb-f32', 'sochdb-int8'];
/** Engines whose saved index the duel opens (the others it builds). */
const keptNames = ['sochdb', 'sochdb-f32', 'sochdb-int8', 'hnswlib-node'];
const duelOn = opts.duel && selected.includes('sochdb') && selected.includes('hnswlib-node');

const recallTargets = [0.95, 0.99];
/** QPS of the smallest ef (sweeps are in ascending ef) whose recall@10 reaches `target`. */
function atRecall(metrics, target) {
  const point = metrics?.sweep?.find((p) => p.recall >= target);
  return point ? { qps: point.qps, ef: point.ef } : undefined;
}

/** Rows of QPS at each recall target and of each ef of the sweep (main table and head-to-head). */
function sweepRows(efs) {
  const qpsCell = (p) => (p ? `${qps(p.qps)} (${p.ef === null ? 'exact' : `ef ${p.ef}`})` : 'not reached');
  const rows = [];
  recallTargets.forEach((target, i) => {
    rows.push({
      label: `QPS at recall@10 ≥ ${target} (smallest ef reaching it)`,
      get: (m) => atRecall(m, target)?.qps,
      cell: (m) => qpsCell(atRecall(m, target)),
      targets: i === 0 ? (v, o) => [`≥1.0× hnswlib-node ${goal(v, o['hnswlib-node'], 1)}`, `≥3× hnswlib-wasm ${goal(v, o['hnswlib-wasm'], 3)}`] : undefined,
    });
  });
  for (const ef of efs) {
    const point = (m) => m.sweep?.find((p) => p.ef === ef);
    rows.push({
      label: `  ef=${ef}: QPS / recall@10`,
      get: (m) => point(m)?.qps,
      cell: (m) => (point(m) ? `${int(point(m).qps)} / ${point(m).recall.toFixed(3)}` : undefined),
    });
  }
  return rows;
}

function rowsFor(efs) {
  const rows = [
    { label: 'build (vectors/s; M=16, efConstruction=200)', get: (m) => m.buildRate, fmt: int,
      targets: (v, o) => [`≥0.7× hnswlib-node ${goal(v, o['hnswlib-node'], 0.7)}`] },
    { label: 'build time (s)', get: (m) => m.buildS, fmt: (x) => x.toFixed(1) },
    { label: 'RSS after build (MB, whole process, data included)', get: (m) => m.rssAfterBuildMB, fmt: mb },
    { label: 'RSS growth over build (MB)', get: (m) => m.rssGrowthMB, fmt: mb },
    ...sweepRows(efs),
  ];
  rows.push(
    { label: 'exact scan (QPS; SochDB exact:true, Orama, plain JS)', get: (m) => m.exact?.qps ?? (m.sweep?.[0]?.ef === null ? m.sweep[0].qps : undefined), fmt: qps },
    { label: 'exact scan (rows/s)', get: (m) => m.exact?.rowsPerSec, fmt: int },
    { label: 'WASM SIMD f32x4 dot limit, same data (rows/s)', get: (m) => m.simdDotRowsPerSec, fmt: int },
    { label: 'exact scan as % of the SIMD dot limit', get: (m) => (m.exact && m.simdDotRowsPerSec ? (100 * m.exact.rowsPerSec) / m.simdDotRowsPerSec : undefined),
      fmt: (x) => `${x.toFixed(0)}%`, noRatio: true, targets: (v) => [`≥70% ${v === undefined ? '(n/a)' : v >= 70 ? '✓' : '✗'}`] },
    { label: 'save / close (ms)', get: (m) => m.saveMs, fmt: ms },
    { label: 'open + first search (ms)', get: (m) => m.openFirstSearchMs, fmt: ms },
    { label: 'reopen + first search, fresh process (ms)', get: (m) => m.reopenMs, fmt: ms },
    { label: 'RSS growth of that reopen (MB)', get: (m) => m.reopenRssGrowthMB, fmt: mb },
  );
  return rows;
}

/** The table of `rows` over the engines `names` ({ engine, metrics } or { engine, error } each; none = n/a). */
function table(results, rows, names) {
  const by = Object.fromEntries(results.map((r) => [r.engine, r]));
  const subjects = subjectNames.filter((name) => names.includes(name));
  const label = (name) => vectorEngines[name].label;
  const header = ['metric', ...names.map(label), ...subjects.flatMap((s) => [`${label(s)}/hnswlib-node`, `${label(s)}/hnswlib-wasm`]), 'targets'];
  const lines = [header];
  for (const row of rows) {
    const value = (name) => {
      const m = by[name]?.metrics;
      return m && !m.capped ? row.get(m) : undefined;
    };
    const cells = [row.label];
    for (const name of names) {
      const r = by[name];
      if (!r) cells.push('n/a');
      else if (r.error) cells.push(/not installed/.test(r.error) ? 'n/a (not installed)' : 'n/a (failed)');
      else if (r.metrics.capped) cells.push(row.label.startsWith('build (') ? `${int(r.metrics.buildRate)}, capped` : row.label.startsWith('build time') ? `>${int(r.metrics.projectedBuildS)} projected` : 'capped');
      else {
        const v = value(name);
        cells.push(row.cell ? row.cell(r.metrics) ?? 'n/a' : v === undefined ? 'n/a' : row.fmt(v));
      }
    }
    const others = { 'hnswlib-node': value('hnswlib-node'), 'hnswlib-wasm': value('hnswlib-wasm') };
    for (const s of subjects) {
      const rat = (o) => (row.noRatio ? '' : ratio(value(s), o));
      cells.push(rat(others['hnswlib-node']), rat(others['hnswlib-wasm']));
    }
    const targeted = subjects.filter((s) => value(s) !== undefined || s === 'sochdb');
    cells.push(row.targets ? targeted.map((s) => `${label(s)}: ${row.targets(value(s), others).join(', ')}`).join('; ') : '');
    lines.push(cells);
  }
  return renderTable(lines);
}

/** Runs vector-duel.mjs on the indexes sochdb's and hnswlib-node's children saved (if both did). */
function duel(n, dim, results, keepDirs) {
  const saved = (name) => results.find((r) => r.engine === name)?.metrics?.saveMs !== undefined;
  const missing = Object.keys(keepDirs).filter((name) => !saved(name));
  if (missing.length) return { skipped: `no saved index from ${missing.join(', ')}` };
  process.stderr.write(`bench:vector: ${int(n)} × ${dim}: head-to-head ...`);
  const t = Date.now();
  const args = [`--n=${n}`, `--dim=${dim}`, ...duelPassThrough, `--engines=${duelNames.filter((name) => selected.includes(name)).join(',')}`,
    ...Object.entries(keepDirs).map(([name, dir]) => `--${name}-dir=${dir}`)];
  const r = runChild('vector-duel.mjs', args);
  process.stderr.write(r.error ? ` failed (${r.error})\n` : ` ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
  return r;
}

/** The head-to-head's table: the sweep rows over sochdb, hnswlib-node and hnswlib-wasm (n/a if not run). */
function duelTable(d, efs) {
  const title = `same-process head-to-head (best of ${opts.rounds} alternating rounds of ≥ ${opts.roundS} s each; QPS ratios to trust)`;
  if (!d.engines) return `${title}: n/a (${d.skipped ?? d.error})`;
  const results = Object.entries(d.engines).map(([engine, m]) => (m.error ? { engine, error: m.error } : { engine, metrics: m }));
  return `${title}\n${table(results, sweepRows(efs), duelNames)}`;
}

const started = new Date();
const t0 = performance.now();
const passThrough = ['queries', 'seed', 'm', 'efConstruction', 'efs', 'buildCapS', 'queryCapS', 'queryMinS'].map(
  (k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}=${opts[k]}`,
);
const duelPassThrough = ['queries', 'seed', 'm', 'efConstruction', 'efs', 'buildCapS', 'rounds', 'roundS'].map(
  (k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}=${opts[k]}`,
);
const efs = opts.efs.split(',').map(Number);
const runs = [];
console.log(`Vector benchmark. ${machineLine()}`);
for (const { n, dim } of sizes) {
  const spec = { n, dim, queries: opts.queries, seed: opts.seed };
  const data = ensureDataset(spec, (line) => process.stderr.write(`bench:vector: ${line}\n`));
  // The duel opens the indexes these children save, so theirs are kept until it has run.
  const keepRoot = duelOn ? fs.mkdtempSync(path.join(os.tmpdir(), 'sochdb-bench-vector-duel-')) : undefined;
  const keepDirs = keepRoot ? Object.fromEntries(keptNames.filter((name) => selected.includes(name)).map((name) => [name, path.join(keepRoot, name)])) : {};
  try {
    const results = [];
    for (const name of selected) {
      process.stderr.write(`bench:vector: ${int(n)} × ${dim}: ${name} ...`);
      const t = Date.now();
      const keep = keepDirs[name] ? [`--keep-dir=${keepDirs[name]}`] : [];
      const r = runChild('vector-one.mjs', [name, `--n=${n}`, `--dim=${dim}`, ...passThrough, ...keep]);
      r.engine ??= name;
      process.stderr.write(r.error ? ` n/a (${r.error})\n` : ` ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
      results.push(r);
    }
    // Each saved index opened again in a fresh process: open time and memory without the build's.
    for (const r of results) {
      if (!keepDirs[r.engine] || !r.metrics || r.metrics.capped) continue;
      const reopened = runChild('vector-reopen.mjs', [r.engine, `--dir=${keepDirs[r.engine]}`, `--n=${n}`, `--dim=${dim}`, ...passThrough]);
      if (!reopened.error) Object.assign(r.metrics, { reopenMs: reopened.reopenMs, reopenRssGrowthMB: reopened.reopenRssGrowthMB });
    }
    const run = { n, dim, truthMs: data.truthMs, results };
    runs.push(run);
    console.log();
    console.log(`${int(n)} vectors × ${dim} dims, ${opts.queries} queries, cosine, k=10; 100 Gaussian clusters (seed ${opts.seed}); load average now ${machineLine().split('load average ')[1]}`);
    console.log(table(results, rowsFor(efs), selected));
    if (keepRoot) {
      run.duel = duel(n, dim, results, keepDirs);
      console.log();
      console.log(duelTable(run.duel, efs));
    }
  } finally {
    if (keepRoot) fs.rmSync(keepRoot, { recursive: true, force: true });
  }
}
console.log();
console.log('Targets (issue): QPS at recall 0.95 ≥ 1.0× hnswlib-node and ≥ 3× hnswlib-wasm; build rate ≥ 0.7× hnswlib-node;');
console.log('SochDB exact scan ≥ 70% of the WASM SIMD dot-product limit. Ratios are SochDB (default auto = bf16 past 8 MiB, f32 and int8 quantization) ÷ other (for ms and MB lower');
console.log('is better). Every engine runs single-threaded in its own process; QPS is one query at a time. RSS includes');
console.log('Node and the dataset (n × dim float32) held by the benchmark.');
if (duelOn) {
  console.log('Head-to-head: this machine\'s speed drifts between processes (up to 2x), so QPS ratios across the separate');
  console.log('processes above are unreliable. The second table runs sochdb (auto, f32, int8) and hnswlib-node (opening the indexes saved above)');
  console.log(`and hnswlib-wasm (built there) in ONE process: per ef, ${opts.rounds} rounds in which each engine in turn (order rotating)`);
  console.log(`answers queries for ${opts.roundS} s; each keeps its best round. Trust its QPS ratios; build rate and RSS come from the table above.`);
}
console.log('What each column is:');
for (const name of selected) console.log(`  ${vectorEngines[name].label}: ${vectorEngines[name].note}`);
console.log(`\nTotal ${((performance.now() - t0) / 1000).toFixed(0)} s. Results saved to ${saveResults('vector', started, { opts, runs })}`);
