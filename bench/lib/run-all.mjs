// `npm run bench`: the KV, vector, keyword and browser benchmarks, one after another, each as its own
// process. `--quick` runs each at small sizes (KV: 10k keys, no 1M reopen); other flags are refused,
// since the three take different ones (run bench:kv, bench:vector, bench:keyword or bench:browser for those).

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { benchDir } from './report.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const unknown = args.filter((a) => a !== '--quick');
if (unknown.length) throw new Error(`npm run bench takes only --quick (got ${unknown.join(' ')}); pass other flags to bench:kv, bench:vector, bench:keyword or bench:browser`);

const parts = [
  ['run.mjs', quick ? ['--n=10000', '--gets=10000', '--scans=20', '--no-big'] : []],
  ['vector.mjs', quick ? ['--quick'] : []],
  ['keyword.mjs', quick ? ['--quick'] : []],
  ['browser.mjs', quick ? ['--quick'] : []],
];
let failed = 0;
for (const [script, flags] of parts) {
  const r = spawnSync(process.execPath, [path.join(benchDir, script), ...flags], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    process.stderr.write(`bench: ${script} exited with ${r.status ?? r.signal}\n`);
  }
  process.stdout.write('\n');
}
process.exit(failed ? 1 : 0);
