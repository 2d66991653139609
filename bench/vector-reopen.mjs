// Opens an index that vector-one.mjs --keep-dir saved, in a fresh process, and answers one query:
// what a user's app pays to start on a saved collection, with nothing of the build in memory (an
// open in the building process reuses memory the build left behind). Prints one JSON line:
//   node --expose-gc bench/vector-reopen.mjs <engine> --dir=<path> --n=100000 --dim=384 [--m=16]
//     [--ef-construction=200] [--queries=1000] [--seed=1]
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseFlags } from './lib/report.mjs';
import { k, loadQueries } from './lib/vector-data.mjs';
import { vectorEngines } from './lib/vector-engines.mjs';

const [name, ...rest] = process.argv.slice(2);
// The sweep's flags are accepted (vector.mjs passes its children one set) and ignored.
const ignored = { efs: '', buildCapS: 0, queryCapS: 0, queryMinS: 0 };
const { opts } = parseFlags(rest, { dir: '', n: 10_000, dim: 128, queries: 1000, seed: 1, m: 16, efConstruction: 200, ...ignored });
const spec = { n: opts.n, dim: opts.dim, queries: opts.queries, seed: opts.seed, m: opts.m, efConstruction: opts.efConstruction };
if (!vectorEngines[name]) throw new Error(`unknown engine ${name}`);
// Database.open would make an empty database where none is, so look first.
if (!opts.dir || !fs.existsSync(opts.dir)) throw new Error(`no saved index at --dir=${opts.dir}`);

const e = await vectorEngines[name].load();
// Only the queries are read (the base vectors, once freed, would stay in the process as memory
// the engine's allocations reuse, hiding them from RSS).
const query = loadQueries(spec).slice(0, spec.dim);
globalThis.gc?.();
const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const h = await e.open(opts.dir, spec);
await e.search(h, query, k);
const reopenMs = performance.now() - t0;
globalThis.gc?.();
const reopenRssGrowthMB = (process.memoryUsage().rss - rssBefore) / 1e6;
await e.close?.(h);
console.log(JSON.stringify({ engine: name, reopenMs, reopenRssGrowthMB }));
