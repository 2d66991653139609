/**
 * The real engine with a small memory cap, so running out of memory takes megabytes, not 4 GiB:
 * a copy of the shipped `.wasm` whose memory section declares a maximum. Growing past it fails
 * exactly as growing past wasm32's 4 GiB does.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const WASM_PAGE_BYTES = 64 * 1024;
const MEMORY_SECTION = 5;
const LIMITS_MIN_MAX = 1;

const shippedWasm = new URL('../../pkg-ts/wasm/sochdb_engine.wasm', import.meta.url);

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function readUleb(bytes: Uint8Array, start: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  let at = start;
  let byte: number;
  do {
    byte = bytes[at++]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
  } while (byte & 0x80);
  return [value, at];
}

/** `module` with its one memory capped at `maxBytes` (a multiple of 64 KiB). */
export function withMemoryMax(module: Uint8Array, maxBytes: number): Buffer {
  const maxPages = maxBytes / WASM_PAGE_BYTES;
  let at = 8; // magic and version
  while (at < module.length) {
    const id = module[at]!;
    const [size, body] = readUleb(module, at + 1);
    if (id === MEMORY_SECTION) {
      const [count, limits] = readUleb(module, body);
      if (count !== 1) throw new Error(`expected one memory, found ${count}`);
      const [min] = readUleb(module, limits + 1);
      const content = [...uleb(1), LIMITS_MIN_MAX, ...uleb(min), ...uleb(maxPages)];
      const section = Buffer.from([MEMORY_SECTION, ...uleb(content.length), ...content]);
      return Buffer.concat([module.subarray(0, at), section, module.subarray(body + size)]);
    }
    at = body + size;
  }
  throw new Error('the engine has no memory section');
}

/** Writes the shipped engine capped at `maxBytes` into `dir` and returns its path (for `wasmPath`). */
export function cappedEngine(dir: string, maxBytes: number): string {
  const path = join(dir, `engine-${maxBytes}.wasm`);
  writeFileSync(path, withMemoryMax(readFileSync(shippedWasm), maxBytes));
  return path;
}
