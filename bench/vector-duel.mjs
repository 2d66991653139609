// Head-to-head QPS of the HNSW engines in ONE process, and prints one JSON line. The machine's speed
// drifts between processes (up to 2x on a small VM), so QPS ratios between vector-one.mjs children
// are noisy; here the engines take turns on the same CPU state, and the ratios are the ones to trust.
// Usage:
//   node --expose-gc bench/vector-duel.mjs --n=10000 --dim=128 --sochdb-dir=<dir> --hnswlib-node-dir=<dir>
//     [--sochdb-f32-dir=<dir>] [--sochdb-int8-dir=<dir>]
//     [--queries=1000] [--seed=1] [--m=16] [--ef-construction=200] [--efs=10,16,24,32,40,48,64,96,128,256]
//     [--engines=sochdb,sochdb-f32,sochdb-int8,hnswlib-node,hnswlib-wasm] [--rounds=10] [--round-s=0.3] [--build-cap-s=180]
// The dataset must already be cached; the two dirs are indexes that `vector-one.mjs --keep-dir` saved
// (vector.mjs makes them). hnswlib-wasm cannot persist in Node, so it is built here.
//
// Per efSearch: one pass over all queries per engine (recall@10; it also warms the engine up), then
// `rounds` rounds in which each engine in turn (the order rotates every round) answers consecutive
// queries one at a time, awaited, for `round-s` seconds and at least 50 queries. An engine's QPS is
// its best round: slowdowns of a shared machine only ever lower a round. An engine that is not
// installed, has no saved index or fails is reported as { error } and the others go on.

import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseFlags } from './lib/report.mjs';
import { k, loadDataset, recallAt } from './lib/vector-data.mjs';
import { vectorEngines } from './lib/vector-engines.mjs';

const duelEngineNames = ['sochdb', 'sochdb-f32', 'sochdb-int8', 'hnswlib-node', 'hnswlib-wasm'];
const defaults = {
  n: 10_000, dim: 128, queries: 1000, seed: 1, m: 16, efConstruction: 200, efs: '10,16,24,32,40,48,64,96,128,256',
  engines: duelEngineNames.join(','), sochdbDir: '', sochdbF32Dir: '', sochdbInt8Dir: '', hnswlibNodeDir: '', rounds: 10, roundS: 0.3, buildCapS: 180, chunk: 1000,
};
const minRoundQueries = 50;

const errorText = (err) => String(err?.message ?? err).replace(/^NOT_INSTALLED: /, '');

/** hnswlib-wasm's index, built here in chunks; stops (capped) like vector-one if projected past the cap. */
async function build(e, base, spec, opts) {
  const h = await e.create(spec);
  const t0 = performance.now();
  for (let from = 0; from < spec.n; from += opts.chunk) {
    const to = Math.min(spec.n, from + opts.chunk);
    await e.add(h, base, from, to);
    const seconds = (performance.now() - t0) / 1000;
    const projected = (seconds / to) * spec.n;
    if (to < spec.n && to >= spec.n * 0.03 && seconds > 5 && projected > opts.buildCapS) {
      return { capped: true, built: to, buildRate: to / seconds, projectedBuildS: projected };
    }
  }
  return { h, buildS: (performance.now() - t0) / 1000 };
}

/** Loads one engine's adapter and index: opened from its saved dir, or built (hnswlib-wasm). */
async function prepare(name, dirs, base, query, spec, opts) {
  const e = await vectorEngines[name].load();
  let h;
  const info = {};
  if (name in dirs) {
    // Database.open would make an empty database where none is, so look first.
    if (!dirs[name] || !fs.existsSync(dirs[name])) return { error: `no saved index (--${name}-dir)` };
    const t0 = performance.now();
    h = await e.open(dirs[name], spec);
    info.openMs = performance.now() - t0;
  } else {
    const b = await build(e, base, spec, opts);
    if (b.capped) return { result: { capped: true, built: b.built, buildRate: b.buildRate, projectedBuildS: b.projectedBuildS } };
    h = b.h;
    info.buildS = b.buildS;
  }
  await e.search(h, query.subarray(0, spec.dim), k); // lazy loading is not part of any round
  return { e, h, info };
}

/** Runs queries from `start` (wrapping) for `seconds` and at least minRoundQueries; returns QPS and count. */
async function round(search, start, count, seconds) {
  globalThis.gc?.(); // so the previous engine's garbage is not collected on this engine's clock
  const t0 = performance.now();
  let done = 0;
  while (done < minRoundQueries || performance.now() - t0 < seconds * 1000) {
    await search((start + done) % count);
    done++;
  }
  return { qps: done / ((performance.now() - t0) / 1000), done };
}

async function main() {
  const { opts } = parseFlags(process.argv.slice(2), defaults);
  if (!(opts.rounds >= 1)) throw new Error('--rounds must be at least 1');
  const spec = { n: opts.n, dim: opts.dim, queries: opts.queries, seed: opts.seed, m: opts.m, efConstruction: opts.efConstruction };
  const { base, query, truth } = loadDataset(spec);
  const dirs = { sochdb: opts.sochdbDir, 'sochdb-f32': opts.sochdbF32Dir, 'sochdb-int8': opts.sochdbInt8Dir, 'hnswlib-node': opts.hnswlibNodeDir };
  const wanted = opts.engines.split(',').filter((name) => duelEngineNames.includes(name));

  const out = {};
  const live = [];
  for (const name of wanted) {
    try {
      const p = await prepare(name, dirs, base, query, spec, opts);
      if (p.error || p.result) out[name] = p.result ?? { error: p.error };
      else {
        out[name] = { ...p.info, sweep: [] };
        live.push({ name, ...p });
      }
    } catch (err) {
      out[name] = { error: errorText(err) };
    }
    process.stderr.write(`  duel ${name}: ${JSON.stringify(out[name])}\n`);
  }
  const drop = (c, err) => {
    out[c.name] = { error: errorText(err) };
    live.splice(live.indexOf(c), 1);
  };

  const q = (i) => query.subarray(i * spec.dim, (i + 1) * spec.dim);
  let start = 0; // every engine starts a round at the same query, so they answer the same ones
  // Unmeasured warm-up (JIT tiers, caches): without it the first ef's first rounds read low.
  for (const c of [...live]) {
    try {
      await round((i) => c.e.search(c.h, q(i), k), 0, spec.queries, 1);
    } catch (err) {
      drop(c, err);
    }
  }
  for (const ef of opts.efs.split(',').map(Number)) {
    const points = new Map();
    for (const c of [...live]) {
      try {
        await c.e.setEf(c.h, ef);
        const found = [];
        for (let i = 0; i < spec.queries; i++) found.push(await c.e.search(c.h, q(i), k));
        points.set(c, { ef, qps: 0, recall: recallAt(found, truth, spec.queries), rounds: [] });
      } catch (err) {
        drop(c, err);
      }
    }
    for (let r = 0; r < opts.rounds; r++) {
      const order = live.map((_, i) => live[(i + r) % live.length]);
      let most = 0;
      for (const c of order) {
        try {
          const res = await round((i) => c.e.search(c.h, q(i), k), start, spec.queries, opts.roundS);
          points.get(c).rounds.push(Math.round(res.qps));
          most = Math.max(most, res.done);
        } catch (err) {
          drop(c, err);
        }
      }
      start = (start + most) % spec.queries;
    }
    for (const c of live) {
      const p = points.get(c);
      p.qps = Math.max(...p.rounds);
      out[c.name].sweep.push(p);
      process.stderr.write(`  duel ${c.name} ef=${ef}: ${JSON.stringify(p)}\n`);
    }
  }
  for (const c of live) await c.e.close?.(c.h);
  process.stdout.write(`${JSON.stringify({ engines: out, spec, rounds: opts.rounds, roundS: opts.roundS, minRoundQueries })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
