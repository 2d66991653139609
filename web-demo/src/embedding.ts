/**
 * A toy text embedding, so the playground can search by "meaning" without shipping a model.
 * NOT a real embedding model: it is deterministic feature hashing.
 *
 *   - every word (lower-cased, crudely singularised, stop words dropped) is hashed (FNV-1a) to one
 *     of the hashed dimensions with a sign; its character trigrams add a smaller weight, so
 *     "galaxy" and "galaxies" land close;
 *   - words from a small per-topic lexicon also add weight to that topic's dimensions, so
 *     "telescope" pulls a query towards space documents that never use the word;
 *   - the vector is normalised to unit length (the collection uses cosine).
 *
 * The same function embeds the corpus at load time and every query, so results are reproducible.
 */

export const EMBEDDING_DIMENSION = 96;

/** Topic dimensions come first: TOPIC_DIMS per topic. */
const TOPIC_DIMS = 2;
const TOPIC_WEIGHT = 0.6;
const WORD_WEIGHT = 1;
const TRIGRAM_WEIGHT = 0.25;

/** The six topics of the sample corpus and words that suggest each (beyond the corpus's own). */
export const TOPIC_LEXICON: Record<string, string[]> = {
  databases: [
    'database', 'sql', 'query', 'index', 'b-tree', 'btree', 'transaction', 'commit', 'log', 'wal', 'mvcc',
    'snapshot', 'lsm', 'compaction', 'storage', 'engine', 'disk', 'fsync', 'durability', 'recovery',
    'crash', 'key', 'value', 'record', 'table', 'schema', 'shard', 'replication', 'lock', 'isolation',
    'checkpoint', 'segment', 'memtable', 'postgres', 'sqlite', 'scan', 'concurrency', 'latency',
  ],
  'machine-learning': [
    'model', 'neural', 'network', 'training', 'train', 'gradient', 'descent', 'transformer', 'attention',
    'embedding', 'vector', 'llm', 'language', 'fine-tuning', 'dataset', 'label', 'accuracy', 'loss',
    'gpu', 'inference', 'token', 'tokenizer', 'retrieval', 'rag', 'prompt', 'distillation', 'epoch',
    'overfitting', 'benchmark', 'learning', 'ai', 'weights', 'quantized', 'reinforcement', 'classifier',
  ],
  space: [
    'space', 'telescope', 'galaxy', 'star', 'planet', 'exoplanet', 'orbit', 'rocket', 'nasa', 'mars',
    'moon', 'lunar', 'solar', 'sun', 'astronaut', 'astronomer', 'astronomy', 'black', 'hole', 'comet',
    'asteroid', 'spacecraft', 'rover', 'launch', 'booster', 'universe', 'cosmic', 'nebula', 'webb',
    'gravitational', 'neutron', 'kuiper', 'satellite', 'mission', 'light-year', 'cosmology',
  ],
  cooking: [
    'cook', 'cooking', 'recipe', 'kitchen', 'bake', 'baking', 'bread', 'dough', 'oven', 'pan', 'flavour',
    'flavor', 'taste', 'salt', 'spice', 'garlic', 'sauce', 'dinner', 'meal', 'food', 'pasta', 'stew',
    'soup', 'broth', 'stock', 'chocolate', 'butter', 'vegetable', 'vegetarian', 'curry', 'fish', 'grill',
    'roast', 'ferment', 'sourdough', 'knife', 'ingredient', 'chef', 'dessert', 'pie', 'simmer',
  ],
  travel: [
    'travel', 'trip', 'journey', 'holiday', 'vacation', 'itinerary', 'flight', 'train', 'ferry', 'hostel',
    'hotel', 'guesthouse', 'backpack', 'backpacking', 'hiking', 'hike', 'trail', 'trek', 'mountain',
    'island', 'coast', 'beach', 'city', 'visa', 'passport', 'ticket', 'tourist', 'traveller', 'road',
    'europe', 'iceland', 'lisbon', 'greece', 'patagonia', 'alps', 'norway', 'village', 'luggage', 'jet',
  ],
  music: [
    'music', 'song', 'songwriting', 'album', 'band', 'concert', 'jazz', 'guitar', 'piano', 'drum',
    'synthesizer', 'synth', 'melody', 'harmony', 'rhythm', 'chord', 'tempo', 'orchestra', 'orchestral',
    'opera', 'quartet', 'composer', 'conductor', 'vinyl', 'record', 'studio', 'producer', 'beat',
    'hip-hop', 'folk', 'score', 'musician', 'practice', 'improvisation', 'blues', 'soul', 'listen',
  ],
};

export const TOPICS = Object.keys(TOPIC_LEXICON);

const STOP_WORDS = new Set(
  ('a an and are as at be by can for from how in into is it its of on or really that the their this to ' +
    'was we what when why with you your more most than much every after before about out our')
    .split(' '),
);

const lexicon = new Map<string, number>();
TOPICS.forEach((topic, t) => {
  for (const word of TOPIC_LEXICON[topic]!) lexicon.set(singular(word), t);
});

/** FNV-1a, 32 bits. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Crude English singular: "galaxies" → "galaxy", "stars" → "star"; enough for a toy. */
function singular(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) return word.slice(0, -1);
  return word;
}

/** Lower-cased words of `text` (letters, digits, inner hyphens), singularised, without stop words. */
export function tokenize(text: string): string[] {
  const words = text.toLowerCase().match(/[a-z0-9]+(?:-[a-z0-9]+)*/g) ?? [];
  return words.filter((w) => !STOP_WORDS.has(w)).map(singular);
}

function addHashed(vector: Float32Array, feature: string, weight: number): void {
  const h = fnv1a(feature);
  const hashedDims = EMBEDDING_DIMENSION - TOPIC_DIMS * TOPICS.length;
  const index = TOPIC_DIMS * TOPICS.length + (h % hashedDims);
  vector[index]! += h & 0x80000000 ? -weight : weight;
}

/** The toy embedding of `text`: EMBEDDING_DIMENSION floats of unit length (all zeros for empty text). */
export function embed(text: string): Float32Array {
  const vector = new Float32Array(EMBEDDING_DIMENSION);
  for (const word of tokenize(text)) {
    addHashed(vector, word, WORD_WEIGHT);
    const padded = `^${word}$`;
    for (let i = 0; i + 3 <= padded.length; i++) addHashed(vector, padded.slice(i, i + 3), TRIGRAM_WEIGHT);
    const topic = lexicon.get(word);
    if (topic !== undefined) {
      for (let d = 0; d < TOPIC_DIMS; d++) vector[topic * TOPIC_DIMS + d]! += TOPIC_WEIGHT;
    }
  }
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}

/** Whether `text` has any word the embedding can use (an all-zero vector finds nothing useful). */
export function hasFeatures(text: string): boolean {
  return tokenize(text).length > 0;
}
