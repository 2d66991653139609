/**
 * The playground's Vite config (`npm run playground` / `npm run playground:build` at the root).
 * The root `vite.config.ts` holds vitest's settings; this one serves and builds `web-demo/` only.
 *
 * `@sochdb/sochdb` is left out of dependency pre-bundling: its browser entry starts the engine
 * worker with `new Worker(new URL('./browser-worker.js', import.meta.url))` and finds the engine
 * with `new URL('../wasm/sochdb_engine.wasm', import.meta.url)`, and both URLs must stay relative
 * to the package's own `dist/` (pre-bundling would move the module into `.vite/deps`). Vite's
 * build sees the same two expressions and emits the worker and the `.wasm` as assets.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  preview: { host: '127.0.0.1', port: 4173 },
  optimizeDeps: { exclude: ['@sochdb/sochdb'] },
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1024 },
});
