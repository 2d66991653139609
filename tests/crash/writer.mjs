// Crash-test writer: opens the database in argv[2] (fs storage, syncMode 'full') and writes until
// it is killed. Usage: node writer.mjs <dir> <seed> <cycle>.
//
// Protocol on stdout, one JSON line per event, each written synchronously (a pipe write of less
// than PIPE_BUF bytes is atomic, and once written it survives our SIGKILL):
//   {"t":"ready"}                                                 after open
//   {"t":"begin","id":N,"op":"put","key":K,"tag":T,"len":L}        before each write ...
//   {"t":"begin","id":N,"op":"del","key":K}
//   {"t":"begin","id":N,"op":"txn","keys":[...],"tag":T,"len":L,"countKey":C}
//   {"t":"begin","id":N,"op":"checkpoint"}
//   {"t":"ack","id":N}                                             ... and after it resolved
// Exactly one write is in flight at a time: the next "begin" follows the previous "ack". Values are
// makeValue(tag, len) (ops.mjs); a transaction writes that value to all its keys and the number of
// those keys to its count key.

import { writeSync } from 'node:fs';
import { Database } from '@sochdb/sochdb';
import { KEY_COUNT, countKeyName, keyName, makeValue, prng } from './ops.mjs';

const [dir, seedArg, cycleArg] = process.argv.slice(2);
const cycle = Number(cycleArg);
const rand = prng(Number(seedArg) * 1000 + cycle);
const randInt = (n) => Math.floor(rand() * n);
const OPS_MAX = 50_000; // a writer the parent forgot to kill still ends
const RUN_MS_MAX = 15_000;

const report = (event) => writeSync(1, `${JSON.stringify(event)}\n`);

function valueLength() {
  const r = rand();
  if (r < 0.05) return 8_000 + randInt(40_000); // spans many pages of the WAL
  if (r < 0.5) return randInt(64);
  return randInt(3_000);
}

// Small memtable: automatic checkpoints (segments, merges, WAL drops) happen often too.
const db = await Database.open(dir, { syncMode: 'full', memtableSizeBytes: 256 * 1024 });
report({ t: 'ready' });
const started = Date.now();

for (let id = 1; id <= OPS_MAX && Date.now() - started < RUN_MS_MAX; id++) {
  const r = rand();
  if (r < 0.4) {
    const key = keyName(randInt(KEY_COUNT));
    const tag = `p|${cycle}|${id}`;
    const len = valueLength();
    report({ t: 'begin', id, op: 'put', key, tag, len });
    await db.put(Buffer.from(key), Buffer.from(makeValue(tag, len)));
  } else if (r < 0.55) {
    const key = keyName(randInt(KEY_COUNT));
    report({ t: 'begin', id, op: 'del', key });
    await db.delete(Buffer.from(key));
  } else if (r < 0.96) {
    const size = 1 + randInt(r < 0.6 ? 120 : 40);
    const keys = new Set();
    while (keys.size < size) keys.add(keyName(randInt(KEY_COUNT)));
    const tag = `t|${cycle}|${id}|${size}`;
    const len = valueLength() >> 2;
    const countKey = countKeyName(cycle, id);
    report({ t: 'begin', id, op: 'txn', keys: [...keys], tag, len, countKey });
    const value = Buffer.from(makeValue(tag, len));
    const txn = await db.beginTransaction();
    for (const key of keys) await txn.put(Buffer.from(key), value);
    await txn.put(Buffer.from(countKey), Buffer.from(String(size)));
    await txn.commit();
  } else {
    report({ t: 'begin', id, op: 'checkpoint' });
    await db.checkpoint();
  }
  report({ t: 'ack', id });
}
await db.close();
report({ t: 'closed' });
