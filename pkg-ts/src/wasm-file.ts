/**
 * Where the engine's `.wasm` file is. This module sits directly in `src/` so that the same
 * relative URL resolves to `pkg-ts/wasm/` from the sources (tests) and from `dist/index.js`
 * (tsup shims `import.meta.url` in the CommonJS build).
 */

/** Environment variable that overrides the engine file (a path), e.g. to test another build. */
export const WASM_PATH_ENV = 'SOCHDB_WASM_PATH';

/** The engine file shipped with the package. Computed on call: nothing runs at import. */
export function bundledWasmUrl(): URL {
  return new URL('../wasm/sochdb_engine.wasm', import.meta.url);
}
