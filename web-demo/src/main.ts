/**
 * The playground's entry: opens the database (see database.ts), then builds the header, the
 * key-value panel and the search panel around it. `document.body.dataset.ready` turns 'true'
 * once everything is usable (the browser test waits on it).
 */
import './style.css';
import type { Database } from '@sochdb/sochdb';
import { DATABASE_NAME, STORAGE_LABELS, openDatabase, storageChoiceFromUrl } from './database.js';
import { h } from './dom.js';
import { Header } from './header.js';
import { KvPanel } from './kv-panel.js';
import { SearchPanel } from './search-panel.js';

async function start(root: HTMLElement): Promise<void> {
  const choice = storageChoiceFromUrl();
  const header = new Header(choice);
  const main = h('main', { class: 'layout' });
  const footer = h('footer', { class: 'foot' });
  root.replaceChildren(header.element, main, footer);

  let db: Database;
  const started = performance.now();
  try {
    db = await openDatabase(choice, () => header.showWaiting());
  } catch (e) {
    header.showOpenFailed(e);
    document.body.dataset.ready = 'failed';
    return;
  }
  const openMs = performance.now() - started;

  const refresh = () => void header.refresh();
  const kv = new KvPanel(db, refresh);
  const search = new SearchPanel(db, refresh);
  main.append(kv.element, search.element);
  // What an earlier visit stored shows at once: the users/ keys and the loaded collection.
  await Promise.all([header.attach(db, openMs), search.init(), kv.scan()]);
  const storage = (await db.stats()).storage;
  footer.append(
    storage === 'memory'
      ? `Database '${DATABASE_NAME}' lives in memory: a reload starts empty.`
      : `Database '${DATABASE_NAME}' is stored in this browser\u2019s ${STORAGE_LABELS[storage] ?? storage}. Reload the page: everything is still here.`,
    h('span', { class: 'sep' }, '·'),
    'Built on @sochdb/sochdb: Rust → WebAssembly (SIMD128), in a Web Worker via Comlink.',
  );
  document.body.dataset.ready = 'true';
}

void start(document.getElementById('app')!);
