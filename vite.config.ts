import { defineConfig } from 'vitest/config';

// One config at the root: vitest runs the TypeScript unit and API tests of every workspace.
// The browser playground (web-demo/) has its own Vite config, web-demo/vite.config.ts, used by
// `npm run playground` / `npm run playground:build` and by tests/browser/playground.test.ts.
export default defineConfig({
  test: {
    include: [
      'tests/unit/**/*.test.ts',
      'tests/acceptance/**/*.test.ts',
      'tests/crash/**/*.test.ts',
      'tests/browser/**/*.test.ts',
      'pkg-ts/src/**/*.test.ts',
      'node-adapter/src/**/*.test.ts',
    ],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
