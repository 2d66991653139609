/**
 * Loads and compiles the engine's WebAssembly module: once per process and file, synchronously
 * (Node allows a synchronous compile of any size), so `Database.open` can stay synchronous.
 * Each open database then gets its own `WebAssembly.Instance` of the one compiled module.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DatabaseError } from '../errors.js';
import { bundledWasmUrl, WASM_PATH_ENV } from '../wasm-file.js';

const compiled = new Map<string, WebAssembly.Module>();

/** The engine file to use: the explicit option, else `SOCHDB_WASM_PATH`, else the bundled one. */
export function resolveWasmPath(explicit?: string): string {
  if (explicit) return explicit;
  const fromEnv = typeof process !== 'undefined' ? process.env[WASM_PATH_ENV] : undefined;
  if (fromEnv) return fromEnv;
  return fileURLToPath(bundledWasmUrl());
}

/** The compiled engine module for `path` (see `resolveWasmPath`), compiled on first use. */
export function engineModule(path: string): WebAssembly.Module {
  let module = compiled.get(path);
  if (module === undefined) {
    module = new WebAssembly.Module(readWasm(path));
    compiled.set(path, module);
  }
  return module;
}

function readWasm(path: string): Uint8Array<ArrayBuffer> {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (cause) {
    throw new DatabaseError(
      `Cannot read the SochDB engine at ${path}. Reinstall @sochdb/sochdb, or build it with ` +
        `'npm run build:wasm' in a source checkout, or point ${WASM_PATH_ENV} at a sochdb_engine.wasm.`,
      'WASM_NOT_FOUND',
      { cause },
    );
  }
}
