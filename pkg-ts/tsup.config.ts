import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  shims: true,
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: false,
  splitting: false,
});
