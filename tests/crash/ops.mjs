// Shared by writer.mjs and crash.test.ts: the key space and the values the writer stores, so the
// parent can rebuild every value from the short description the writer reports.

/** Keys that single puts, deletes and transactions all write: `k/000` ... `k/255`. */
export const KEY_COUNT = 256;
export const keyName = (i) => `k/${String(i).padStart(3, '0')}`;
/** Each transaction also writes its count key, holding the number of other keys it wrote. */
export const countKeyName = (cycle, id) => `txn/${cycle}/${id}`;
/** The prefixes above, as scan ranges [start, end). */
export const KEY_RANGES = [
  ['k/', 'k0'],
  ['txn/', 'txn0'],
];

/**
 * The value of a write: `len` bytes starting with its unique tag (`p|cycle|id` for a put,
 * `t|cycle|id|n` for a transaction's keys), the rest a pattern repeating the tag, so that a value
 * from another write, or a value cut short, never compares equal.
 */
export function makeValue(tag, len) {
  const head = `${tag}#`;
  if (len <= head.length) return head;
  return head.repeat(Math.ceil(len / head.length)).slice(0, len);
}

/** mulberry32: small seeded PRNG. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
