// The keyword benchmark's data: a synthetic corpus whose words follow Zipf's law, as natural text
// does. Seeded, so every engine's child process rebuilds the same corpus.
//
// Words are pseudo-words of 2-3 consonant-vowel-consonant syllables whose last letter is one of
// k, q, x, z (e.g. "bakmoz"): no English stop word or stemmer rule matches them, so every engine's
// default tokenizer keeps each word whole. Word rank r (0 = most frequent) is drawn with probability
// ∝ 1 / (r + 1)^s. Two query sets: "zipf" (2-4 terms drawn by the same law as the text: common
// words, long posting lists) and "uniform" (2-4 terms drawn uniformly from the vocabulary: mostly
// rare words, short posting lists).

import { prng, zipf } from './prng.mjs';

export const corpusDefaults = { docs: 100_000, vocab: 50_000, minLen: 20, maxLen: 100, queries: 1000, zipfS: 1.0, seed: 7 };

function vocabulary(rand, size) {
  const onset = 'bdfglmnprstv';
  const vowel = 'aeiou';
  const coda = 'kqxz';
  const pick = (s) => s[Math.floor(rand() * s.length)];
  const words = new Set();
  while (words.size < size) {
    const syllables = 2 + Math.floor(rand() * 2);
    let w = '';
    for (let i = 0; i < syllables; i++) w += pick(onset) + pick(vowel) + pick(coda);
    words.add(w);
  }
  return [...words];
}

/** The corpus: `texts` (one string per document) and the two query sets, as strings of terms. */
export function makeCorpus(opts = {}) {
  const o = { ...corpusDefaults, ...opts };
  const rand = prng(o.seed);
  const words = vocabulary(rand, o.vocab);
  const rank = zipf(rand, o.vocab, o.zipfS);
  const texts = new Array(o.docs);
  let tokens = 0;
  for (let d = 0; d < o.docs; d++) {
    const len = o.minLen + Math.floor(rand() * (o.maxLen - o.minLen + 1));
    const doc = new Array(len);
    for (let t = 0; t < len; t++) doc[t] = words[rank()];
    texts[d] = doc.join(' ');
    tokens += len;
  }
  const querySet = (draw) =>
    Array.from({ length: o.queries }, () => {
      const terms = new Set();
      const want = 2 + Math.floor(rand() * 3);
      while (terms.size < want) terms.add(words[draw()]);
      return [...terms].join(' ');
    });
  const queries = { zipf: querySet(rank), uniform: querySet(() => Math.floor(rand() * o.vocab)) };
  return { texts, queries, tokens, opts: o };
}
