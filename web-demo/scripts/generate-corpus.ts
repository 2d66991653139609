/**
 * Writes the playground's sample corpus, `src/corpus/corpus.json`: 300 short documents, 50 for
 * each of 6 topics, with `topic`, `year` and `source` metadata. Deterministic (a seeded PRNG):
 * running it again writes the same file, which is committed so the demo needs no generation step.
 *
 *   npm run corpus -w @sochdb/web-demo
 *
 * Each document is a title plus one or two sentences assembled from per-topic phrases, so
 * keyword search (BM25) and the toy hash embedding (src/embedding.ts) both have something to find.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface TopicPhrases {
  subjects: string[];
  claims: string[];
  details: string[];
}

const TOPICS: Record<string, TopicPhrases> = {
  databases: {
    subjects: [
      'B-tree indexes', 'write-ahead logging', 'MVCC snapshots', 'LSM compaction', 'query planners',
      'secondary indexes', 'crash recovery', 'group commit', 'page caches', 'transaction isolation',
      'sharded key spaces', 'embedded databases', 'checkpointing', 'range scans', 'optimistic concurrency',
    ],
    claims: [
      'keep reads fast while writes keep arriving',
      'trade write amplification for cheaper point lookups',
      'decide how much durability a commit really buys',
      'make recovery after a power cut predictable',
      'turn random disk writes into sequential appends',
      'let readers see a consistent snapshot without locks',
      'shape the latency of every SQL query',
    ],
    details: [
      'Benchmarks on NVMe drives show the fsync is still the bottleneck.',
      'The storage engine keeps a memtable and flushes immutable sorted segments.',
      'Conflicts are detected at commit time and the later transaction retries.',
      'A checksum on every record stops a torn write from being replayed.',
      'Compaction merges segments in the background to bound read cost.',
      'The schema stays small: every record is a key and a value.',
    ],
  },
  'machine-learning': {
    subjects: [
      'transformer models', 'gradient descent', 'embedding models', 'fine-tuning', 'retrieval-augmented generation',
      'attention heads', 'training data curation', 'model distillation', 'reinforcement learning', 'neural network pruning',
      'vector embeddings', 'learning-rate schedules', 'evaluation benchmarks', 'tokenizers', 'quantized inference',
    ],
    claims: [
      'change how quickly a model converges during training',
      'help a language model ground its answers in documents',
      'cut inference cost without hurting accuracy much',
      'decide what a neural network actually learns',
      'map sentences to vectors that capture meaning',
      'reduce overfitting on small labelled datasets',
      'make GPU training runs reproducible',
    ],
    details: [
      'The authors report accuracy on a held-out validation set after each epoch.',
      'A smaller student network imitates the logits of a larger teacher.',
      'Loss curves flatten once the learning rate decays.',
      'Nearest-neighbour search over embeddings retrieves the context for the prompt.',
      'Eight-bit weights fit the model on a single consumer GPU.',
      'Labels were checked by two annotators to reduce noise.',
    ],
  },
  space: {
    subjects: [
      'exoplanet surveys', 'the James Webb telescope', 'Mars rovers', 'black holes', 'neutron stars',
      'solar flares', 'lunar landers', 'reusable rockets', 'the Kuiper belt', 'galaxy clusters',
      'orbital debris', 'comet missions', 'dark matter maps', 'gravitational waves', 'space station crews',
    ],
    claims: [
      'reveal how the first galaxies formed after the Big Bang',
      'change what astronomers expect to find in distant star systems',
      'test the limits of rocket propulsion and orbital mechanics',
      'show how stars collapse at the end of their lives',
      'help plan crewed missions to the Moon and Mars',
      'bring samples of the early solar system back to Earth',
      'let telescopes measure light from billions of years ago',
    ],
    details: [
      'The spacecraft relayed its data through the Deep Space Network.',
      'Infrared spectra hint at water vapour in the planet atmosphere.',
      'The booster landed on a drone ship after separating from the second stage.',
      'Astronomers combined observations from radio and optical telescopes.',
      'The orbit was adjusted with a short burn of the thrusters.',
      'Astronauts spent six months in microgravity aboard the station.',
    ],
  },
  cooking: {
    subjects: [
      'sourdough bread', 'cast-iron pans', 'slow-cooked stews', 'fresh pasta', 'fermented vegetables',
      'knife skills', 'homemade stock', 'roasted vegetables', 'spice blends', 'chocolate tempering',
      'weeknight curries', 'grilled fish', 'pie crusts', 'vegetarian recipes', 'kitchen timers',
    ],
    claims: [
      'reward patience with deeper flavour',
      'turn cheap ingredients into a satisfying dinner',
      'depend on controlling heat more than following a recipe',
      'make weeknight cooking faster without losing taste',
      'show why salt, fat and acid need balancing',
      'need less equipment than most cookbooks suggest',
      'taste better when the dough or broth rests overnight',
    ],
    details: [
      'Season generously and taste the sauce before serving.',
      'A hot oven and a preheated tray give a crisp crust.',
      'The starter should double in size before you bake.',
      'Garlic, ginger and toasted cumin build the base of the dish.',
      'Simmer gently so the meat stays tender.',
      'Rest the dough in the fridge so the butter stays cold.',
    ],
  },
  travel: {
    subjects: [
      'night trains in Europe', 'hiking in Patagonia', 'budget backpacking', 'island hopping in Greece',
      'city breaks in Lisbon', 'road trips through Iceland', 'travel insurance', 'packing light',
      'street food markets', 'mountain huts in the Alps', 'visa applications', 'jet lag',
      'coastal walks in Cornwall', 'ferry routes in Norway', 'travelling with children',
    ],
    claims: [
      'make a two-week itinerary feel relaxed instead of rushed',
      'save money on flights, hostels and local transport',
      'reward travellers who visit outside the peak season',
      'need more planning than a typical weekend away',
      'let visitors see the landscape at walking pace',
      'turn a long journey into part of the holiday',
      'depend on booking trains and accommodation early',
    ],
    details: [
      'Book sleeper cabins a few weeks ahead in summer.',
      'A waterproof jacket and good boots matter more than anything else in the backpack.',
      'Local buses connect the villages to the main trailheads.',
      'Carry some cash because small guesthouses rarely take cards.',
      'The old town is best explored on foot early in the morning.',
      'Check the passport validity rules before you buy the tickets.',
    ],
  },
  music: {
    subjects: [
      'jazz improvisation', 'vinyl records', 'synthesizers', 'string quartets', 'guitar pedals',
      'music theory', 'drum machines', 'opera productions', 'songwriting', 'concert acoustics',
      'piano practice', 'film scores', 'folk traditions', 'hip-hop production', 'orchestral tuning',
    ],
    claims: [
      'shape the sound of a whole generation of albums',
      'help musicians hear harmony and rhythm more clearly',
      'keep live performances feeling spontaneous',
      'reward daily practice more than occasional marathons',
      'change how producers build a track in the studio',
      'make a melody memorable after a single listen',
      'connect audiences with composers from centuries ago',
    ],
    details: [
      'The band recorded the album live in a single room.',
      'Chord progressions borrow from blues and gospel.',
      'Analogue oscillators drift slightly and sound warmer.',
      'The conductor slowed the tempo in the final movement.',
      'A metronome at a slow tempo builds clean technique.',
      'Samples of old soul records are chopped into new beats.',
    ],
  },
};

const SOURCES = ['blog', 'paper', 'news', 'wiki', 'forum'];
const YEAR_MIN = 2016;
const YEAR_MAX = 2025;
const DOCS_PER_TOPIC = 50;

export interface CorpusDocument {
  id: string;
  title: string;
  text: string;
  topic: string;
  year: number;
  source: string;
}

/** mulberry32: a small seeded PRNG, so the corpus is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const TITLE_FORMS = [
  (s: string, c: string) => `How ${s} can ${c}`,
  (s: string, c: string) => `Can ${s} really ${c}?`,
  (s: string) => `A practical guide to ${s}`,
  (s: string) => `What we learned from ${s}`,
  (s: string) => `${capitalize(s)}: notes from the field`,
  (s: string) => `Rethinking ${s}`,
];

function generate(): CorpusDocument[] {
  const random = prng(0x50c4db);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const docs: CorpusDocument[] = [];
  for (const [topic, phrases] of Object.entries(TOPICS)) {
    const seen = new Set<string>();
    while (seen.size < DOCS_PER_TOPIC) {
      const subject = pick(phrases.subjects);
      const claim = pick(phrases.claims);
      const title = pick(TITLE_FORMS)(subject, claim);
      if (seen.has(title)) continue;
      seen.add(title);
      const detail = pick(phrases.details);
      const text = `${capitalize(subject)} can ${claim}. ${detail}`;
      docs.push({
        id: `${topic}-${String(seen.size).padStart(2, '0')}`,
        title,
        text,
        topic,
        year: YEAR_MIN + Math.floor(random() * (YEAR_MAX - YEAR_MIN + 1)),
        source: pick(SOURCES),
      });
    }
  }
  return docs;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, '../src/corpus/corpus.json');
const docs = generate();
writeFileSync(out, `${JSON.stringify(docs, null, 0).replaceAll('},{', '},\n{')}\n`);
console.log(`wrote ${docs.length} documents to ${path.relative(process.cwd(), out)}`);
