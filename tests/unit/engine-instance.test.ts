/**
 * The host's handling of engine failures it cannot provoke through the real engine: a trap, an
 * ABI version mismatch, missing exports. Uses tiny modules assembled here.
 */
import { describe, expect, it, vi } from 'vitest';
import { EngineInstance, SOCH_ABI_VERSION } from '../../pkg-ts/src/engine/abi.js';
import { DatabaseError } from '../../pkg-ts/src/errors.js';

const EXPORTS = [
  'soch_abi_version', 'soch_alloc', 'soch_alloc_failure', 'soch_free', 'soch_scratch', 'soch_out_ptr', 'soch_out_len', 'soch_init',
  'soch_load_manifest', 'soch_load_file', 'soch_replay_wal', 'soch_open_finish', 'soch_get', 'soch_put',
  'soch_delete', 'soch_txn_begin', 'soch_txn_get', 'soch_txn_put', 'soch_txn_delete', 'soch_txn_commit',
  'soch_txn_abort', 'soch_cursor_open', 'soch_cursor_next', 'soch_cursor_close', 'soch_wal_pending', 'soch_wal_take',
  'soch_wal_mark_durable', 'soch_checkpoint', 'soch_checkpoint_release', 'soch_memtable_bytes', 'soch_stats', 'soch_search',
  'soch_collection_count', 'soch_catalog_version', 'soch_set_memory_limit',
];

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
const name = (text: string) => [...leb(text.length), ...Buffer.from(text)];

/**
 * A module exporting memory and the given names: `soch_abi_version` returns `version`,
 * `soch_alloc_failure` returns `allocFailure` (below 64), `trapping` executes `unreachable`, every
 * other function returns 0.
 */
function fakeEngine(options: { version?: number; trapping?: string; omit?: string; allocFailure?: number } = {}): WebAssembly.Module {
  const version = options.version ?? SOCH_ABI_VERSION;
  const names = EXPORTS.filter((n) => n !== options.omit);
  const funcIndex = (n: string) =>
    n === 'soch_abi_version' ? 0 : n === options.trapping ? 1 : n === 'soch_alloc_failure' ? 3 : 2;
  const types = [2, 0x60, 0, 1, 0x7f, 0x60, 2, 0x7f, 0x7f, 1, 0x7f]; // () -> i32, (i32, i32) -> i32
  const functions = [4, 0, 1, 1, 0];
  const memory = [1, 0, 1];
  const exports = [
    ...leb(names.length + 1),
    ...name('memory'), 2, 0,
    ...names.flatMap((n) => [...name(n), 0, funcIndex(n)]),
  ];
  const body = (code: number[]) => [...leb(code.length + 1), 0, ...code];
  const code = [
    4,
    ...body([0x41, version, 0x0b]),
    ...body([0x00, 0x0b]),
    ...body([0x41, 0, 0x0b]),
    ...body([0x41, options.allocFailure ?? 0, 0x0b]),
  ];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, types), ...section(3, functions), ...section(5, memory), ...section(7, exports), ...section(10, code),
  ];
  return new WebAssembly.Module(new Uint8Array(bytes));
}

describe('EngineInstance', () => {
  it('treats a trap as a dead engine: a typed error, onFatal once, and every later call refused', () => {
    const onFatal = vi.fn();
    const engine = new EngineInstance(fakeEngine({ trapping: 'soch_get' }), onFatal);
    let error: unknown;
    try {
      engine.get(0, Buffer.from('k'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ code: 'ENGINE_TRAPPED' });
    expect((error as Error).cause).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(onFatal).toHaveBeenCalledTimes(1);
    expect(engine.deadError).toBe(error);
    expect(() => engine.put(0, Buffer.from('k'), Buffer.from('v'))).toThrow(error as Error);
    expect(() => engine.stats()).toThrow(error as Error);
    expect(onFatal).toHaveBeenCalledTimes(1);
  });

  it('reports a trap after a failed allocation as OUT_OF_MEMORY, not as a bug', () => {
    const engine = new EngineInstance(fakeEngine({ trapping: 'soch_put', allocFailure: 48 }));
    let error: unknown;
    try {
      engine.put(0, Buffer.from('k'), Buffer.from('v'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ code: 'OUT_OF_MEMORY' });
    expect((error as Error).message).toMatch(/ran out of memory.*committed data is safe on disk/);
    expect((error as Error).message).not.toMatch(/report this bug/);
    expect(() => engine.get(0, Buffer.from('k'))).toThrow(error as Error);
  });

  it('refuses an allocation the engine cannot make, and stays usable', () => {
    const engine = new EngineInstance(fakeEngine());
    expect(() => engine.alloc(1000)).toThrow(expect.objectContaining({ code: 'OUT_OF_MEMORY' }));
    expect(engine.deadError).toBeNull();
    expect(engine.alloc(0).ptr).toBe(0);
  });

  it('passes ordinary statuses through while alive', () => {
    const engine = new EngineInstance(fakeEngine());
    engine.put(0, Buffer.from('k'), Buffer.from('v'));
    expect(engine.deadError).toBeNull();
  });

  it('refuses an engine of another ABI version, naming both versions', () => {
    expect(() => new EngineInstance(fakeEngine({ version: 1 }))).toThrow(new RegExp(`ABI 1, this package ${SOCH_ABI_VERSION}`));
    expect(() => new EngineInstance(fakeEngine({ version: SOCH_ABI_VERSION + 1 }))).toThrow(new RegExp(`ABI ${SOCH_ABI_VERSION + 1}`));
  });

  it('refuses an engine that lacks an export, naming it', () => {
    expect(() => new EngineInstance(fakeEngine({ omit: 'soch_cursor_next' }))).toThrow(/soch_cursor_next/);
    expect(() => new EngineInstance(fakeEngine({ omit: 'soch_search' }))).toThrow(/soch_search/);
  });

});
