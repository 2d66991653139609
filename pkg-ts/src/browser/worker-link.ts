/**
 * The main thread's line to the engine worker: starts the worker, wraps it with Comlink, and
 * covers what Comlink leaves out: a worker that dies (terminated, crashed, out of memory) would
 * leave Comlink's calls pending forever, so every call here also waits on the worker's death and
 * is rejected with `WorkerDiedError` instead.
 *
 * Death is seen two ways: the Worker's `error` event (e.g. its script failed to load), and the
 * worker's "alive" Web Lock, which the browser releases when the worker's context ends.
 */
import { type Remote, releaseProxy, wrap } from 'comlink';
import { DatabaseClosedError, WorkerDiedError } from '../errors.js';
import { installErrorTransfer } from './error-transfer.js';
import { whenLockFree } from './web-locks.js';
import type { EngineHostApi } from './worker-protocol.js';

export class WorkerLink {
  readonly #worker: Worker;
  readonly #api: Remote<EngineHostApi>;
  /** Rejects every pending call; set once the worker is gone. */
  readonly #pending = new Set<(error: Error) => void>();
  #ended: Error | null = null;

  /** Starts the worker; `workerUrl` overrides the bundled `worker.js` (e.g. an app's own copy). */
  constructor(workerUrl?: string | URL) {
    installErrorTransfer();
    // Written out in full so that bundlers (Vite, webpack) see the worker and ship it.
    this.#worker =
      workerUrl === undefined
        ? new Worker(new URL('./browser-worker.js', import.meta.url), { type: 'module', name: 'sochdb-engine' })
        : new Worker(workerUrl, { type: 'module', name: 'sochdb-engine' });
    this.#worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.#end(new WorkerDiedError(`The SochDB engine worker failed: ${event.message || 'it could not start'}. Open the database again.`));
    });
    this.#api = wrap<EngineHostApi>(this.#worker);
  }

  /** Watches `aliveLock`, which the worker holds from its `attach` on. */
  watch(aliveLock: string): void {
    void whenLockFree(aliveLock).then(() =>
      this.#end(new WorkerDiedError('The SochDB engine worker died (terminated, crashed or out of memory). Open the database again.')),
    );
  }

  /** Runs `call` on the worker's API; rejects when the worker dies or was closed first. */
  call<T>(call: (api: Remote<EngineHostApi>) => Promise<T>): Promise<T> {
    if (this.#ended !== null) return Promise.reject(this.#ended);
    return new Promise<T>((resolve, reject) => {
      this.#pending.add(reject);
      call(this.#api).then(resolve, reject).finally(() => this.#pending.delete(reject));
    });
  }

  /** Whether the worker is gone (closed by us or dead). */
  get ended(): Error | null {
    return this.#ended;
  }

  /** Stops the worker; later calls are refused with `DatabaseClosedError`. */
  terminate(): void {
    if (this.#ended === null) this.#ended = new DatabaseClosedError();
    this.#api[releaseProxy]();
    this.#worker.terminate();
  }

  #end(error: Error): void {
    if (this.#ended !== null) return;
    this.#ended = error;
    for (const reject of [...this.#pending]) reject(error);
    this.#pending.clear();
    this.#worker.terminate();
  }
}
