import { defineConfig } from 'tsup';

export default defineConfig([
  // Node: the in-process engine on the fs adapter (ESM + CJS).
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    shims: true,
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    clean: false,
    splitting: false,
  },
  // Browsers (the `browser` export condition): the main-thread facade and, as its own file, the
  // engine worker it starts by URL. comlink, idb-keyval and buffer are bundled (devDependencies):
  // the tarball needs nothing else at install, and our Comlink transfer handlers stay in our copy.
  {
    entry: { browser: 'src/browser/index.browser.ts', 'browser-worker': 'src/browser/worker.ts' },
    format: ['esm'],
    // The shared code's types name Node's `Buffer`; a browser app has no @types/node, so the
    // declarations alias it to what browsers get (a Uint8Array: the bundled polyfill subclasses it).
    dts: {
      entry: { browser: 'src/browser/index.browser.ts' },
      // Comlink is bundled, not a dependency: its types go into the declarations too.
      resolve: ['comlink'],
      banner: '/** Bytes returned by the browser build: a Uint8Array. */\ntype Buffer = Uint8Array;',
    },
    target: 'es2022',
    platform: 'browser',
    // Shared code names Node's `Buffer`: resolve it to the bundled `buffer` package.
    inject: ['src/browser/buffer-shim.ts'],
    sourcemap: true,
    clean: false,
    splitting: false,
  },
]);
