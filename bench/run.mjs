// KV benchmark: runs bench/kv-one.mjs once per engine, each in its own child process (so RSS is
// the engine's), one after another, and prints one table: rows are metrics, columns are engines,
// plus SochDB/lmdb and SochDB/floor ratios. Saves the raw results to bench/results/<time>.json.
//
// Usage: npm run bench [-- --engines=sochdb,lmdb --n=100000 --no-big ...]
// Flags other than --engines are passed to kv-one.mjs (see its header for the workload).
// An engine whose child fails (e.g. SochDB before its package is built) shows "n/a".

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { engineNames } from './engines.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

const args = process.argv.slice(2);
const engineArg = args.find((a) => a.startsWith('--engines='));
const selected = engineArg ? engineArg.slice('--engines='.length).split(',') : engineNames;
const passThrough = args.filter((a) => a !== engineArg);
for (const name of selected) if (!engineNames.includes(name)) throw new Error(`unknown engine ${name}`);

const int = (x) => Math.round(x).toLocaleString('en-US');
const ms = (x) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : int(x));
const mb = (x) => x.toFixed(1);

/** Rows of the table. `better` says which way a ratio is good; `target` is the issue's goal. */
const rows = [
  { key: 'seqPutOps', label: 'seq puts (ops/s, batches of 1,000, durable per batch)', fmt: int, better: 'higher',
    target: (r) => [['≥1.0× lmdb', r.lmdb, 1.0], ['≥0.5× floor', r.floor, 0.5]] },
  { key: 'randPutOps', label: 'random puts (ops/s, batches of 1,000, durable per batch)', fmt: int, better: 'higher',
    target: (r) => [['≥3× lmdb', r.lmdb, 3.0]] },
  { key: 'parallelPutOps', label: 'seq puts, Promise.all of 1,000 db.put (ops/s)', fmt: int, better: 'higher' },
  { key: 'getOps', label: 'random gets, awaited one by one (ops/s)', fmt: int, better: 'higher',
    target: (r) => [['≥1.0× lmdb', r.lmdb, 1.0]] },
  { key: 'scanKeysPerSec', label: 'range scans of 1,000 keys (keys/s)', fmt: int, better: 'higher',
    target: (r) => [['≥1.0× lmdb', r.lmdb, 1.0]] },
  { key: 'closeMs', label: 'close after load (ms)', fmt: ms, better: 'lower' },
  { key: 'reopenFirstGetMs', label: 'reopen + first get, 100k keys (ms)', fmt: ms, better: 'lower' },
  { key: 'bigLoadOps', label: 'load of 1M keys (ops/s, setup for next row)', fmt: int, better: 'higher' },
  { key: 'bigReopenFirstGetMs', label: 'reopen + first get, 1M keys (ms)', fmt: ms, better: 'lower',
    target: (r, v) => [['<1,000 ms', null, null, v < 1000]] },
  { key: 'rssAfterLoadMB', label: 'RSS after random load (MB, whole process)', fmt: mb, better: 'lower' },
  { key: 'rssGrowthMB', label: 'RSS growth from open to loaded (MB)', fmt: mb, better: 'lower',
    target: (r, v, res) => [['<2× raw data', null, null, v < 2 * res.rawDataMB]] },
  { key: 'diskRandomMB', label: 'disk after random load (MB)', fmt: mb, better: 'lower' },
  { key: 'diskSeqMB', label: 'disk after seq load (MB)', fmt: mb, better: 'lower' },
];

function runEngine(name) {
  process.stderr.write(`bench: ${name} ...`);
  const t0 = Date.now();
  const child = spawnSync(process.execPath, ['--expose-gc', path.join(here, 'kv-one.mjs'), name, ...passThrough], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 10 * 60 * 1000,
  });
  const lastLine = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status === 0 && lastLine.startsWith('{')) {
    process.stderr.write(` ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    return JSON.parse(lastLine);
  }
  const reason = (child.stderr || child.error?.message || `exit ${child.status}`).trim().split('\n').find((l) => /Error|error/.test(l)) ?? `exit ${child.status}`;
  process.stderr.write(` n/a (${reason})\n`);
  return { engine: name, error: reason };
}

function table(results) {
  const byName = Object.fromEntries(results.map((r) => [r.engine, r]));
  const soch = byName.sochdb;
  const cols = selected;
  const header = ['metric', ...cols, 'sochdb/lmdb', 'sochdb/floor', 'target (sochdb)'];
  const lines = [header];
  for (const row of rows) {
    const cells = [row.label];
    const value = (name) => byName[name]?.metrics?.[row.key];
    for (const name of cols) {
      const v = value(name);
      cells.push(v === undefined ? 'n/a' : row.fmt(v));
    }
    const s = value('sochdb');
    const ratio = (other) => (s === undefined || other === undefined || other === 0 ? 'n/a' : `${(s / other).toFixed(2)}×`);
    cells.push(ratio(value('lmdb')), ratio(value('fs-floor')));
    if (row.target) {
      const goals = row.target({ lmdb: value('lmdb'), floor: value('fs-floor') }, s, soch?.metrics ?? {});
      cells.push(
        goals
          .map(([text, other, factor, met]) => {
            if (s === undefined) return `${text} (n/a)`;
            const ok = met ?? (other === undefined ? undefined : s >= factor * other);
            return `${text} ${ok === undefined ? '(n/a)' : ok ? '✓' : '✗'}`;
          })
          .join(', '),
      );
    } else cells.push('');
    lines.push(cells);
  }
  const widths = header.map((_, c) => Math.max(...lines.map((l) => [...l[c]].length)));
  const fmtLine = (l) => l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ');
  const out = [fmtLine(lines[0]), widths.map((w) => '-'.repeat(w)).join('-|-'), ...lines.slice(1).map(fmtLine)];
  return out.join('\n');
}

const started = new Date();
const results = selected.map(runEngine);
const first = results.find((r) => r.opts)?.opts;
console.log();
console.log(`KV benchmark: ${first ? `${int(first.n)} keys of 16 B, values of 100 B, batches of ${int(first.batch)}; ${int(first.gets)} gets; ${int(first.scans)} scans of ${int(first.scanLen)} keys` : ''}`);
console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), ${os.platform()} ${os.release()}`);
console.log();
console.log(table(results));
console.log();
console.log('Durability of each column (a put batch counts as done when this has happened):');
for (const r of results) console.log(`  ${r.engine}: ${r.durability ?? `n/a: ${r.error}`}`);
console.log();
console.log('Targets (issue): seq puts ≥ 1.0× lmdb and ≥ 50% of the fs floor; random puts ≥ 3× lmdb; gets ≥ 1.0× lmdb;');
console.log('scanned keys/s ≥ 1.0× lmdb; reopen of 1M keys < 1 s; RSS < 2× raw data size (judged on RSS growth: the');
console.log('whole-process RSS includes Node itself and the benchmark\'s own key and value buffers). Ratios are');
console.log('sochdb ÷ other for the row\'s unit: for ops/s higher is better, for ms and MB lower is better.');
console.log('Disk is allocated bytes (sparse files count what they use). Gets and scans are n/a for the floor.');

const resultsDir = path.join(here, 'results');
fs.mkdirSync(resultsDir, { recursive: true });
const file = path.join(resultsDir, `kv-${started.toISOString().replace(/[:.]/g, '-')}.json`);
fs.writeFileSync(file, `${JSON.stringify({ started: started.toISOString(), node: process.version, cpus: os.cpus().length, results }, null, 2)}\n`);
console.log(`\nResults saved to ${path.relative(process.cwd(), file)}`);
