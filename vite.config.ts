import { defineConfig } from 'vitest/config';

// One config at the root: vitest runs the TypeScript unit and API tests of every workspace.
// (The browser playground's Vite settings join this file with the browser issue.)
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
