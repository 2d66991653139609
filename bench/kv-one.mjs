// Runs the KV workload against one engine, in this process only (so its RSS is the engine's), and
// prints one JSON line of results. Usage: node --expose-gc bench/kv-one.mjs <engine> [--n=100000]
// [--batch=1000] [--gets=100000] [--scans=200] [--scan-len=1000] [--big-n=1000000] [--no-big]
// [--seed=1]. Engines: see engines.mjs. Every phase runs in a fresh temporary directory.
//
// Phases, in this order, after an unmeasured warm-up on 5 batches (RSS is sampled right after the
// random load, with that database open):
//   random puts  n keys in shuffled order, batches of `batch`, each batch durable before the next;
//   random gets  `gets` point reads of random existing keys, awaited one by one, values checked;
//   range scans  `scans` scans of [key(s), key(s + scanLen)), each must yield exactly scanLen keys;
//   close, then reopen + first get (timed separately);
//   seq puts     n keys in ascending order into a fresh directory;
//   parallel     (engines with putBatchParallel) n keys, each batch as Promise.all of single puts;
//   big reopen   big-n keys loaded in ascending order, close, reopen + first get.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { engines } from './engines.mjs';
import { prng } from './lib/prng.mjs';

const KEY_SIZE = 16;
const VALUE_SIZE = 100;

function parseArgs(argv) {
  const opts = { n: 100_000, batch: 1000, gets: 100_000, scans: 200, scanLen: 1000, bigN: 1_000_000, big: true, seed: 1 };
  const [engine, ...rest] = argv;
  for (const arg of rest) {
    const [flag, raw] = arg.replace(/^--/, '').split('=');
    if (flag === 'no-big') opts.big = false;
    else if (flag === 'big') opts.big = true;
    else {
      const name = flag.replace(/-(\w)/g, (_, c) => c.toUpperCase());
      if (!(name in opts)) throw new Error(`unknown flag --${flag}`);
      opts[name] = Number(raw);
    }
  }
  if (!engine || !(engine in engines)) throw new Error(`usage: kv-one.mjs <${Object.keys(engines).join('|')}> [flags]`);
  return { engine, opts };
}

/** 16-byte keys that sort in numeric order: "k" + 15 decimal digits. */
function keyOf(i) {
  return Buffer.from(`k${String(i).padStart(KEY_SIZE - 1, '0')}`, 'latin1');
}

function shuffled(n, rand) {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

function ascending(n) {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

function diskBytes(dir) {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) total += diskBytes(p);
    else total += fs.statSync(p).blocks * 512; // allocated bytes: sparse files count what they use
  }
  return total;
}

function rssBytes() {
  globalThis.gc?.();
  return process.memoryUsage().rss;
}

function freshDir(engine, phase) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `sochdb-bench-${engine}-${phase}-`));
}

async function load(e, db, order, keys, valueOf, batch, parallel) {
  const t0 = performance.now();
  const put = parallel ? e.putBatchParallel : e.putBatch;
  for (let b = 0; b < order.length; b += batch) {
    const idx = order.subarray(b, Math.min(b + batch, order.length));
    const ks = new Array(idx.length);
    const vs = new Array(idx.length);
    for (let j = 0; j < idx.length; j++) {
      ks[j] = keys ? keys[idx[j]] : keyOf(idx[j]);
      vs[j] = valueOf(idx[j]);
    }
    await put.call(e, db, ks, vs);
  }
  return order.length / ((performance.now() - t0) / 1000);
}

function checkValue(got, want, what) {
  if (got == null) throw new Error(`${what}: missing`);
  if (Buffer.compare(Buffer.from(got.buffer, got.byteOffset, got.byteLength), want) !== 0) {
    throw new Error(`${what}: wrong value`);
  }
}

async function main() {
  const { engine, opts } = parseArgs(process.argv.slice(2));
  const { n, batch, gets, scans, scanLen } = opts;
  const rand = prng(opts.seed);
  const values = Buffer.alloc(n * VALUE_SIZE);
  for (let i = 0; i < values.length; i += 4) values.writeUInt32LE(Math.floor(rand() * 2 ** 32), i);
  const valueOf = (i) => values.subarray((i % n) * VALUE_SIZE, (i % n + 1) * VALUE_SIZE);
  const keys = Array.from({ length: n }, (_, i) => keyOf(i));
  const randomOrder = shuffled(n, rand);
  const seqOrder = ascending(n);
  const getOrder = Uint32Array.from({ length: gets }, () => Math.floor(rand() * n));
  const scanStarts = Uint32Array.from({ length: scans }, () => Math.floor(rand() * (n - scanLen)));

  const rssBaseline = rssBytes();
  const e = await engines[engine]();
  const m = { rawDataMB: (n * (KEY_SIZE + VALUE_SIZE)) / 1e6, rssBaselineMB: rssBaseline / 1e6 };
  const dirs = [];

  // Warm-up (not measured): JIT and page cache, so the first measured phase is not penalised.
  const dirW = freshDir(engine, 'warmup');
  dirs.push(dirW);
  let db = await e.open(dirW);
  await load(e, db, randomOrder.subarray(0, 5 * batch), keys, valueOf, batch, false);
  if (e.putBatchParallel) await load(e, db, ascending(2 * batch), keys, valueOf, batch, true);
  if (e.get) {
    for (let i = 0; i < 2000; i++) await e.get(db, keys[randomOrder[i % (5 * batch)]]);
    await e.scan(db, keys[0], keys[n - 1]);
  }
  await e.close(db);

  // Random-order load, then reads on the same database.
  const dirR = freshDir(engine, 'random');
  dirs.push(dirR);
  db = await e.open(dirR);
  m.randPutOps = await load(e, db, randomOrder, keys, valueOf, batch, false);
  m.rssAfterLoadMB = rssBytes() / 1e6;
  m.rssGrowthMB = m.rssAfterLoadMB - m.rssBaselineMB;
  m.diskRandomMB = diskBytes(dirR) / 1e6;

  if (e.get) {
    let t0 = performance.now();
    for (let g = 0; g < gets; g++) {
      const i = getOrder[g];
      const v = await e.get(db, keys[i]);
      if (g % 997 === 0) checkValue(v, valueOf(i), `get ${keys[i]}`);
      else if (v == null || v.length !== VALUE_SIZE) throw new Error(`get ${keys[i]}: missing or wrong size`);
    }
    m.getOps = gets / ((performance.now() - t0) / 1000);

    t0 = performance.now();
    for (const s of scanStarts) {
      const count = await e.scan(db, keys[s], keys[s + scanLen]);
      if (count !== scanLen) throw new Error(`scan from ${keys[s]} gave ${count} keys, not ${scanLen}`);
    }
    m.scanKeysPerSec = (scans * scanLen) / ((performance.now() - t0) / 1000);
  }

  let t0 = performance.now();
  await e.close(db);
  m.closeMs = performance.now() - t0;
  if (e.get) {
    const i = getOrder[0];
    t0 = performance.now();
    db = await e.open(dirR);
    const v = await e.get(db, keys[i]);
    m.reopenFirstGetMs = performance.now() - t0;
    checkValue(v, valueOf(i), `first get after reopen`);
    await e.close(db);
  }

  // Sequential-order load into a fresh directory.
  const dirS = freshDir(engine, 'seq');
  dirs.push(dirS);
  db = await e.open(dirS);
  m.seqPutOps = await load(e, db, seqOrder, keys, valueOf, batch, false);
  m.diskSeqMB = diskBytes(dirS) / 1e6;
  await e.close(db);

  if (e.putBatchParallel) {
    const dirP = freshDir(engine, 'parallel');
    dirs.push(dirP);
    db = await e.open(dirP);
    m.parallelPutOps = await load(e, db, seqOrder, keys, valueOf, batch, true);
    await e.close(db);
  }

  if (opts.big && e.get) {
    const dirB = freshDir(engine, 'big');
    dirs.push(dirB);
    db = await e.open(dirB);
    const bigOrder = ascending(opts.bigN);
    m.bigLoadOps = await load(e, db, bigOrder, null, valueOf, batch, false);
    m.bigN = opts.bigN;
    await e.close(db);
    const i = Math.floor(rand() * opts.bigN);
    t0 = performance.now();
    db = await e.open(dirB);
    const v = await e.get(db, keyOf(i));
    m.bigReopenFirstGetMs = performance.now() - t0;
    checkValue(v, valueOf(i), `first get after reopening ${opts.bigN} keys`);
    m.diskBigMB = diskBytes(dirB) / 1e6;
    await e.close(db);
  }

  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ engine, durability: e.durability, opts, metrics: m })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
