/**
 * The engine worker's entry: exposes one `EngineHost` to the page through Comlink. The page's
 * `Database.open` starts it (`new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })`).
 */
import { expose } from 'comlink';
import { installErrorTransfer } from './error-transfer.js';
import { EngineHost } from './engine-host.js';

installErrorTransfer();
expose(new EngineHost());
