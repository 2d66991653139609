// Query timing shared by the vector and keyword benchmarks.

import { performance } from 'node:perf_hooks';

/**
 * Runs `search(i)` for query numbers one at a time, each awaited (single thread): up to 100
 * unmeasured warm-up queries (at most 1 s of them), then each of the `count` queries once (stopping
 * early after `capS` seconds) to collect results, then again from the start until at least `minS`
 * seconds have passed, so a fast engine is not timed over a few milliseconds. Returns the QPS over all timed queries, the results
 * of the first pass and how many queries that pass covered.
 */
export async function timeQueries(search, count, capS, minS) {
  const warmT0 = performance.now();
  for (let q = 0; q < Math.min(100, count) && performance.now() - warmT0 < 1000; q++) await search(q);
  const found = [];
  const t0 = performance.now();
  let q = 0;
  for (; q < count; q++) {
    found.push(await search(q));
    if (performance.now() - t0 > capS * 1000) {
      q++;
      break;
    }
  }
  const covered = q;
  while (performance.now() - t0 < minS * 1000) {
    for (let r = 0; r < 16; r++, q++) await search(q % count);
  }
  return { qps: q / ((performance.now() - t0) / 1000), found, covered };
}
