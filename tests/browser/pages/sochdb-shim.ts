/**
 * The package's browser entry as the guide samples import it, with two test-only changes to
 * `Database.open`: each run's names get a prefix of their own (the samples reuse names such as
 * './my_db', and in Node each runs in a fresh directory), and the database's calls in flight are
 * counted, so the page knows when a sample that does not await its `main()` is done.
 */
// @ts-expect-error: served at run time by the test server, not resolved at build time
import * as real from '/pkg/dist/browser.js';
// @ts-expect-error: as above
export * from '/pkg/dist/browser.js';

interface SampleRun {
  prefix: string;
  opened: number;
  inFlight: number;
}
const state = globalThis as unknown as { sampleRun: SampleRun };

/** Counts `promise` as in flight until it settles. */
function track<T>(promise: Promise<T>): Promise<T> {
  state.sampleRun.inFlight++;
  return promise.finally(() => state.sampleRun.inFlight--);
}

export const Database = {
  async open(name: string, config?: object) {
    const db = await track(real.Database.open(state.sampleRun.prefix + name, config));
    state.sampleRun.opened++;
    return new Proxy(db, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const result = value.apply(target, args);
          return result instanceof Promise ? track(result) : result;
        };
      },
    });
  },
};
