/**
 * The search panel: load the sample corpus into a collection, then search it by vector (the toy
 * embedding of the query), by keyword (BM25) or both (hybrid, weighted by `alpha`), with a
 * metadata filter built from the form or typed as JSON.
 */
import type { Collection, Database, SearchFilter, SearchRequest, SearchResult } from '@sochdb/sochdb';
import { COLLECTION, NAMESPACE, loadCorpus, openCollection } from './corpus.js';
import { field, h, replace } from './dom.js';
import { ErrorSlot, errorView } from './errors.js';
import { EMBEDDING_DIMENSION, TOPICS, embed, tokenize } from './embedding.js';
import { formatCount, formatMs, timed } from './format.js';

type Mode = 'vector' | 'keyword' | 'hybrid';

const SOURCES = ['blog', 'paper', 'news', 'wiki', 'forum'];
const EXAMPLES = [
  'telescope images of distant galaxies',
  'baking bread with a sourdough starter',
  'cheap night trains across Europe',
  'crash recovery in storage engines',
  'fine-tuning language models on a GPU',
  'jazz piano practice',
];
const MODE_HELP: Record<Mode, string> = {
  vector: 'Nearest neighbours of the query\u2019s embedding (HNSW, cosine).',
  keyword: 'BM25 over each document\u2019s text.',
  hybrid: 'Both, min-max normalised and fused: alpha × vector + (1 − alpha) × keyword.',
};

/** An input mistake caught before calling the database. */
class InputError extends Error {
  override name = 'InputError';
}

export class SearchPanel {
  readonly element: HTMLElement;
  readonly #db: Database;
  readonly #onChange: () => void;
  #collection: Collection | null = null;
  #mode: Mode = 'hybrid';
  /** Searches shown so far and searches in flight, as `data-searches` / `data-pending` on the results list (tests wait on them). */
  #searches = 0;
  #pending = 0;

  readonly #info = h('div', { class: 'collection-info', id: 'collection-info' });
  readonly #loadButton = h('button', { class: 'primary', id: 'load-corpus', onclick: () => void this.load() }, 'Load sample corpus');
  readonly #progress = h('div', { class: 'progress', hidden: true }, h('div', { class: 'progress-bar' }));
  readonly #loadErrors = new ErrorSlot();

  readonly #query = h('input', { id: 'search-query', type: 'search', placeholder: 'Search the corpus, e.g. telescope images of distant galaxies', autocomplete: 'off' });
  readonly #modeButtons = new Map<Mode, HTMLButtonElement>();
  readonly #modeHelp = h('p', { class: 'field-hint', id: 'mode-help' });
  readonly #alpha = h('input', { id: 'search-alpha', type: 'range', min: '0', max: '1', step: '0.05', value: '0.5' });
  readonly #alphaValue = h('output', { class: 'alpha-value', id: 'alpha-value' }, '0.50');
  readonly #alphaField: HTMLElement;
  readonly #k = h('input', { id: 'search-k', type: 'number', value: '8', min: '1', max: '100' });
  readonly #topic = select('filter-topic', 'Any topic', TOPICS);
  readonly #source = select('filter-source', 'Any source', SOURCES);
  readonly #yearFrom = h('input', { id: 'filter-year-from', type: 'number', placeholder: '2016', min: '1900', max: '2100' });
  readonly #yearTo = h('input', { id: 'filter-year-to', type: 'number', placeholder: '2025', min: '1900', max: '2100' });
  readonly #json = h('textarea', { id: 'filter-json', rows: 3, spellcheck: false, placeholder: '{ "topic": { "$in": ["space", "music"] }, "year": { "$gte": 2020 } }' });
  readonly #jsonErrors = new ErrorSlot();
  readonly #filterPreview = h('code', { class: 'call', id: 'filter-preview' });
  readonly #searchErrors = new ErrorSlot();
  readonly #summary = h('div', { class: 'results-summary', id: 'search-summary' });
  readonly #results = h('ol', { class: 'results', id: 'search-results' });

  constructor(db: Database, onChange: () => void) {
    this.#db = db;
    this.#onChange = onChange;
    this.#alphaField = h(
      'div',
      { class: 'alpha' },
      h('div', { class: 'alpha-head' }, h('span', { class: 'field-label' }, 'Alpha'), this.#alphaValue),
      this.#alpha,
      h('div', { class: 'alpha-ends' }, h('span', {}, 'keyword'), h('span', {}, 'vector')),
    );
    this.#alpha.addEventListener('input', () => (this.#alphaValue.textContent = Number(this.#alpha.value).toFixed(2)));
    this.#alpha.addEventListener('change', () => void this.searchIfReady());
    this.#query.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') void this.search();
    });
    for (const control of [this.#topic, this.#source, this.#yearFrom, this.#yearTo, this.#json]) {
      control.addEventListener('input', () => this.#updateFilterPreview());
    }
    for (const control of [this.#topic, this.#source]) control.addEventListener('change', () => void this.searchIfReady());

    const modes = h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': 'Search mode' });
    for (const [mode, label] of [['vector', 'Vector'], ['keyword', 'Keyword'], ['hybrid', 'Hybrid']] as const) {
      const button = h('button', { type: 'button', role: 'radio', id: `mode-${mode}`, onclick: () => this.setMode(mode) }, label);
      this.#modeButtons.set(mode, button);
      modes.append(button);
    }

    this.element = h(
      'section',
      { class: 'panel', id: 'search-panel', 'aria-labelledby': 'search-title' },
      h('div', { class: 'panel-head' }, h('h2', { id: 'search-title' }, 'Vector, keyword and hybrid search'), h('p', { class: 'panel-sub' }, 'A collection with an HNSW index and a BM25 index, filtered by metadata inside the engine.')),
      h(
        'div',
        { class: 'card' },
        h('div', { class: 'collection-row' }, this.#info, this.#loadButton),
        this.#progress,
        this.#loadErrors.element,
        h(
          'p',
          { class: 'notice' },
          h('strong', {}, 'Toy embeddings. '),
          `Vectors come from a ${EMBEDDING_DIMENSION}-dimensional hash embedding (hashed words and trigrams plus a small topic lexicon), computed in this page, not from a language model. It is good enough to show the engine at work, not to judge search quality.`,
        ),
      ),
      h(
        'div',
        { class: 'card' },
        h('div', { class: 'search-bar' }, this.#query, h('button', { class: 'primary', id: 'search-run', onclick: () => void this.search() }, 'Search')),
        h(
          'div',
          { class: 'examples' },
          h('span', { class: 'field-label' }, 'Try'),
          ...EXAMPLES.map((example) =>
            h('button', { class: 'chip-button', type: 'button', onclick: () => ((this.#query.value = example), void this.search()) }, example),
          ),
        ),
        h(
          'div',
          { class: 'controls' },
          h('div', { class: 'control-mode' }, h('span', { class: 'field-label' }, 'Mode'), modes, this.#modeHelp),
          this.#alphaField,
          h('div', { class: 'narrow' }, field('Results (k)', this.#k)),
        ),
        h(
          'div',
          { class: 'filters' },
          h('div', { class: 'filters-head' }, h('span', { class: 'field-label' }, 'Metadata filter'), h('button', { class: 'link', type: 'button', id: 'filter-clear', onclick: () => this.#clearFilters() }, 'Clear')),
          h(
            'div',
            { class: 'row' },
            field('Topic', this.#topic),
            field('Source', this.#source),
            field('Year from', this.#yearFrom),
            field('Year to', this.#yearTo),
          ),
          h(
            'details',
            { class: 'advanced', id: 'filter-advanced' },
            h('summary', {}, 'JSON filter (MongoDB-style: $eq $ne $gt $gte $lt $lte $in $nin $exists $and $or $not)'),
            field('Filter JSON: replaces the fields above while it is not empty', this.#json),
            this.#jsonErrors.element,
          ),
          h('div', { class: 'filter-preview' }, h('span', { class: 'field-label' }, 'filter'), this.#filterPreview),
        ),
        this.#searchErrors.element,
      ),
      h('div', { class: 'card results-card' }, this.#summary, this.#results),
    );
    this.setMode('hybrid');
    this.#updateFilterPreview();
    this.#showEmptyResults('Load the sample corpus, then search it.');
  }

  /** Finds the collection if an earlier visit loaded it. */
  async init(): Promise<void> {
    const found = await this.#loadErrors.run(() => openCollection(this.#db));
    this.#collection = found ?? null;
    await this.#renderInfo();
    if (this.#collection !== null) this.#showEmptyResults('The corpus is loaded. Type a query or pick an example.');
  }

  setMode(mode: Mode): void {
    this.#mode = mode;
    for (const [m, button] of this.#modeButtons) {
      button.setAttribute('aria-checked', String(m === mode));
      button.classList.toggle('active', m === mode);
    }
    this.#modeHelp.textContent = MODE_HELP[mode];
    this.#alphaField.classList.toggle('disabled', mode !== 'hybrid');
    this.#alpha.disabled = mode !== 'hybrid';
    void this.searchIfReady();
  }

  async load(): Promise<void> {
    this.#loadButton.disabled = true;
    this.#progress.hidden = false;
    const bar = this.#progress.firstElementChild as HTMLElement;
    const done = await this.#loadErrors.run(() =>
      timed(() =>
        loadCorpus(this.#db, (n, total) => {
          bar.style.width = `${(100 * n) / total}%`;
          this.#loadButton.textContent = `Loading ${n} / ${total}…`;
        }),
      ),
    );
    this.#progress.hidden = true;
    this.#loadButton.disabled = false;
    if (done) this.#collection = done.value;
    await this.#renderInfo(done?.ms);
    this.#onChange();
    if (done) {
      if (this.#query.value.trim() === '') this.#query.value = EXAMPLES[0]!;
      await this.search();
    }
  }

  async searchIfReady(): Promise<void> {
    if (this.#collection !== null && this.#query.value.trim() !== '' && this.#results.childElementCount > 0) await this.search();
  }

  async search(): Promise<void> {
    this.#searchErrors.clear();
    const collection = this.#collection;
    if (collection === null) return this.#searchErrors.show(new InputError('There is no collection yet: load the sample corpus first.'));
    const text = this.#query.value.trim();
    if (text === '') return this.#searchErrors.show(new InputError('Type a query, or pick one of the examples.'));
    const filter = this.#filter();
    if (filter instanceof Error) return this.#searchErrors.show(filter);

    const k = Number(this.#k.value);
    const request: SearchRequest = { k };
    if (filter !== null) request.filter = filter;
    let embedMs = 0;
    if (this.#mode !== 'keyword') {
      const started = performance.now();
      request.vector = embed(text);
      embedMs = performance.now() - started;
    }
    if (this.#mode !== 'vector') request.textQuery = text;
    if (this.#mode === 'hybrid') request.alpha = Number(this.#alpha.value);

    this.#results.dataset.pending = String(++this.#pending);
    const done = await this.#searchErrors.run(() => timed(() => collection.search(request)));
    this.#results.dataset.pending = String(--this.#pending);
    if (!done) return;
    this.#renderResults(done.value, text);
    this.#results.dataset.searches = String(++this.#searches);
    replace(
      this.#summary,
      h('span', { class: 'count', id: 'result-count' }, `${done.value.length} result${done.value.length === 1 ? '' : 's'}`),
      h('span', { class: 'timing strong', id: 'search-ms', title: 'Round trip to the engine worker, search included' }, `search ${formatMs(done.ms)}`),
      this.#mode === 'keyword' ? null : h('span', { class: 'timing', title: 'The toy embedding of the query, on the main thread' }, `embed ${formatMs(embedMs)}`),
      h('span', { class: 'mode-tag' }, this.#mode === 'hybrid' ? `hybrid · α ${Number(this.#alpha.value).toFixed(2)}` : this.#mode),
      filter === null ? null : h('span', { class: 'mode-tag' }, 'filtered'),
    );
    this.#onChange();
  }

  /** The filter of the JSON box when it has text, else of the form; null when there is none. */
  #filter(): SearchFilter | null | Error {
    const json = this.#json.value.trim();
    if (json !== '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(json);
      } catch (e) {
        return e as Error;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        return new InputError('A filter is a JSON object, e.g. { "topic": "space" }.');
      }
      return parsed as SearchFilter;
    }
    const filter: SearchFilter = {};
    if (this.#topic.value) filter.topic = this.#topic.value;
    if (this.#source.value) filter.source = this.#source.value;
    const year: Record<string, number> = {};
    if (this.#yearFrom.value) year.$gte = Number(this.#yearFrom.value);
    if (this.#yearTo.value) year.$lte = Number(this.#yearTo.value);
    if (Object.keys(year).length > 0) filter.year = year;
    return Object.keys(filter).length > 0 ? filter : null;
  }

  #updateFilterPreview(): void {
    const filter = this.#filter();
    const usingJson = this.#json.value.trim() !== '';
    for (const control of [this.#topic, this.#source, this.#yearFrom, this.#yearTo]) control.disabled = usingJson;
    if (filter instanceof Error) {
      this.#jsonErrors.show(filter);
      this.#filterPreview.textContent = 'invalid';
      this.#filterPreview.classList.add('invalid');
      return;
    }
    this.#jsonErrors.clear();
    this.#filterPreview.classList.remove('invalid');
    this.#filterPreview.textContent = filter === null ? 'none' : JSON.stringify(filter);
  }

  #clearFilters(): void {
    for (const control of [this.#topic, this.#source, this.#yearFrom, this.#yearTo, this.#json]) control.value = '';
    this.#updateFilterPreview();
    void this.searchIfReady();
  }

  /** Narrows the form filter to one metadata value (clicking a chip). */
  #filterBy(name: 'topic' | 'source', value: string): void {
    this.#json.value = '';
    (name === 'topic' ? this.#topic : this.#source).value = value;
    this.#updateFilterPreview();
    void this.search();
  }

  async #renderInfo(loadMs?: number): Promise<void> {
    const collection = this.#collection;
    if (collection === null) {
      replace(this.#info, h('div', { class: 'info-title' }, `${NAMESPACE}/${COLLECTION}`), h('div', { class: 'info-sub', id: 'collection-count', dataset: { count: '0' } }, 'Not created yet: load 300 sample documents across 6 topics.'));
      this.#loadButton.textContent = 'Load sample corpus';
      return;
    }
    let count: number;
    try {
      count = await collection.count();
    } catch (e) {
      replace(this.#info, errorView(e));
      return;
    }
    const config = collection.config;
    replace(
      this.#info,
      h('div', { class: 'info-title' }, `${NAMESPACE}/${COLLECTION}`),
      h(
        'div',
        { class: 'info-sub' },
        h('span', { id: 'collection-count', dataset: { count: String(count) } }, `${formatCount(count)} documents`),
        ` · ${config.dimension} dims · ${config.metric} · HNSW M=${config.m}, ef=${config.efSearch}`,
        loadMs === undefined ? null : h('span', { class: 'timing' }, `loaded in ${formatMs(loadMs)}`),
      ),
    );
    this.#loadButton.textContent = 'Reload corpus';
    this.#loadButton.classList.remove('primary');
  }

  #showEmptyResults(message: string): void {
    replace(this.#summary);
    replace(this.#results, h('li', { class: 'empty' }, message));
  }

  #renderResults(results: SearchResult[], query: string): void {
    if (results.length === 0) return replace(this.#results, h('li', { class: 'empty' }, 'Nothing matched. Loosen the filter or try other words.'));
    const top = Math.max(...results.map((r) => r.score), 1e-9);
    const terms = new Set(tokenize(query));
    replace(
      this.#results,
      ...results.map((r, i) => {
        const meta = r.metadata as { title?: string; topic?: string; year?: number; source?: string };
        const width = Math.max(0, Math.min(1, r.score / top)) * 100;
        const body = (r.content ?? '').replace(`${meta.title ?? ''}. `, '');
        return h(
          'li',
          { class: 'hit', dataset: { id: r.id, topic: meta.topic ?? '', year: String(meta.year ?? ''), source: meta.source ?? '' } },
          h('div', { class: 'hit-rank' }, String(i + 1)),
          h(
            'div',
            { class: 'hit-main' },
            h('div', { class: 'hit-title' }, ...highlight(meta.title ?? r.id, terms)),
            h('div', { class: 'hit-text' }, ...highlight(body, terms)),
            h(
              'div',
              { class: 'chips' },
              meta.topic ? h('button', { class: `chip topic t-${meta.topic}`, type: 'button', title: `Filter by topic ${meta.topic}`, onclick: () => this.#filterBy('topic', meta.topic!) }, meta.topic) : null,
              meta.year !== undefined ? h('span', { class: 'chip' }, String(meta.year)) : null,
              meta.source ? h('button', { class: 'chip', type: 'button', title: `Filter by source ${meta.source}`, onclick: () => this.#filterBy('source', meta.source!) }, meta.source) : null,
              h('span', { class: 'chip id' }, r.id),
            ),
          ),
          h(
            'div',
            { class: 'hit-score' },
            h('div', { class: 'score-value' }, r.score.toFixed(3)),
            h('div', { class: 'score-bar' }, h('div', { style: `width:${width.toFixed(1)}%` })),
            r.vectorScore !== undefined || r.textScore !== undefined
              ? h(
                  'div',
                  { class: 'score-parts' },
                  r.vectorScore !== undefined ? h('span', { title: 'Cosine similarity of the vector side' }, `vec ${r.vectorScore.toFixed(2)}`) : h('span', { class: 'absent' }, 'vec –'),
                  r.textScore !== undefined ? h('span', { title: 'BM25 score of the keyword side' }, `bm25 ${r.textScore.toFixed(2)}`) : h('span', { class: 'absent' }, 'bm25 –'),
                )
              : null,
          ),
        );
      }),
    );
  }
}

function select(id: string, any: string, values: string[]): HTMLSelectElement {
  return h('select', { id }, h('option', { value: '' }, any), ...values.map((v) => h('option', { value: v }, v)));
}

/** `text` with the words whose token is in `terms` wrapped in <mark>. */
function highlight(text: string, terms: Set<string>): Array<string | HTMLElement> {
  const parts: Array<string | HTMLElement> = [];
  let last = 0;
  for (const match of text.matchAll(/[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*/g)) {
    const [token] = tokenize(match[0]);
    if (token === undefined || !terms.has(token)) continue;
    parts.push(text.slice(last, match.index), h('mark', {}, match[0]));
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}
