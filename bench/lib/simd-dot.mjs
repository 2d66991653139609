// The machine's WASM SIMD128 dot-product limit: a hand-assembled module (no toolchain needed) whose
// one function scores every row of a matrix against a query with f32x4 multiply-adds (four
// accumulators, 16 floats per loop turn) and stores each row's dot product. Its rows/s over the same
// n × dim data is the ceiling an exact scan in WASM can approach; the vector benchmark reports
// SochDB's `exact: true` search as a percentage of it.
//
//   (func $scan (param $q i32) (param $base i32) (param $n i32) (param $rowBytes i32) (param $out i32)
//     for i in 0..n: acc0..3 = 0; for j in 0..rowBytes step 64: acc_u += load(q+j+16u) * load(base+j+16u)
//                    store f32 (acc0+acc1+acc2+acc3 summed across lanes) at out; out += 4; base += rowBytes)

import { performance } from 'node:perf_hooks';

const PAGE = 65536;

function uleb(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function section(id, bytes) {
  return [id, ...uleb(bytes.length), ...bytes];
}

function name(s) {
  return [...uleb(s.length), ...Buffer.from(s, 'utf8')];
}

const op = {
  block: [0x02, 0x40], loop: [0x03, 0x40], end: [0x0b], br: (d) => [0x0c, d], brIf: (d) => [0x0d, d],
  get: (i) => [0x20, i], set: (i) => [0x21, i], tee: (i) => [0x22, i],
  i32: (v) => [0x41, ...(v === 64 ? [0xc0, 0x00] : [v])], // signed LEB: only 0..63 and 64 are used
  add: [0x6a], geU: [0x4f], ltU: [0x49], f32Add: [0x92], f32Store: [0x38, 0x02, 0x00],
  v128Load: (offset) => [0xfd, 0x00, 0x04, ...uleb(offset)],
  v128Zero: [0xfd, 0x0c, ...new Array(16).fill(0)],
  f32x4Add: [0xfd, 0xe4, 0x01], f32x4Mul: [0xfd, 0xe6, 0x01], lane: (l) => [0xfd, 0x1f, l],
};

/** The module's bytes, with a memory of at least `pages` 64 KiB pages. */
export function simdDotModuleBytes(pages) {
  const [Q, BASE, N, ROW, OUT, I, J, A0] = [0, 1, 2, 3, 4, 5, 6, 7];
  const turn = [];
  for (let u = 0; u < 4; u++) {
    turn.push(...op.get(A0 + u), ...op.get(Q), ...op.get(J), ...op.add, ...op.v128Load(16 * u));
    turn.push(...op.get(BASE), ...op.get(J), ...op.add, ...op.v128Load(16 * u), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(A0 + u));
  }
  const code = [
    ...op.block, ...op.loop,
    ...op.get(I), ...op.get(N), ...op.geU, ...op.brIf(1),
    ...[0, 1, 2, 3].flatMap((u) => [...op.v128Zero, ...op.set(A0 + u)]),
    ...op.i32(0), ...op.set(J),
    ...op.loop, ...turn, ...op.get(J), ...op.i32(64), ...op.add, ...op.tee(J), ...op.get(ROW), ...op.ltU, ...op.brIf(0), ...op.end,
    ...op.get(OUT),
    ...op.get(A0), ...op.get(A0 + 1), ...op.f32x4Add, ...op.get(A0 + 2), ...op.f32x4Add, ...op.get(A0 + 3), ...op.f32x4Add, ...op.tee(A0),
    ...op.lane(0), ...op.get(A0), ...op.lane(1), ...op.f32Add, ...op.get(A0), ...op.lane(2), ...op.f32Add, ...op.get(A0), ...op.lane(3), ...op.f32Add,
    ...op.f32Store,
    ...op.get(OUT), ...op.i32(4), ...op.add, ...op.set(OUT),
    ...op.get(BASE), ...op.get(ROW), ...op.add, ...op.set(BASE),
    ...op.get(I), ...op.i32(1), ...op.add, ...op.set(I),
    ...op.br(0), ...op.end, ...op.end,
    ...op.end,
  ];
  const body = [2, 2, 0x7f, 4, 0x7b, ...code]; // locals: 2 × i32 (i, j), 4 × v128 (acc0..3)
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 5, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0x00, ...uleb(pages)]),
    ...section(7, [2, ...name('mem'), 0x02, 0, ...name('scan'), 0x00, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

/**
 * Rows scored per second by the SIMD module over `base` (n rows of `dim` floats, dim a multiple of
 * 16), one query at a time, for about `seconds`. Checks its dot products against plain JS first.
 */
export async function simdDotRowsPerSec(base, n, dim, queries, seconds = 2) {
  if (dim % 16 !== 0) throw new Error(`simd dot module needs dim % 16 == 0, got ${dim}`);
  const rowBytes = dim * 4;
  const qOff = 0;
  const outOff = rowBytes;
  const baseOff = Math.ceil((outOff + n * 4) / 64) * 64;
  const pages = Math.ceil((baseOff + n * rowBytes) / PAGE);
  const { instance } = await WebAssembly.instantiate(simdDotModuleBytes(pages));
  const { mem, scan } = instance.exports;
  new Float32Array(mem.buffer, baseOff, n * dim).set(base.subarray(0, n * dim));
  const qView = new Float32Array(mem.buffer, qOff, dim);
  const out = new Float32Array(mem.buffer, outOff, n);

  qView.set(queries.subarray(0, dim));
  scan(qOff, baseOff, n, rowBytes, outOff);
  for (const row of [0, n >> 1, n - 1]) {
    let want = 0;
    for (let j = 0; j < dim; j++) want += base[row * dim + j] * queries[j];
    if (Math.abs(out[row] - want) > 1e-4) throw new Error(`simd dot module: row ${row} gave ${out[row]}, plain JS ${want}`);
  }

  const queryCount = queries.length / dim;
  let rows = 0;
  const t0 = performance.now();
  let q = 0;
  while (performance.now() - t0 < seconds * 1000) {
    qView.set(queries.subarray((q % queryCount) * dim, (q % queryCount + 1) * dim));
    scan(qOff, baseOff, n, rowBytes, outOff);
    rows += n;
    q++;
  }
  return rows / ((performance.now() - t0) / 1000);
}
