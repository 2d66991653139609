//! bf16 rows (`quantization: 'bf16'`): each value keeps the top 16 bits of its f32 (sign, exponent
//! and 7 of the 23 mantissa bits), rounded to nearest. The walk reads half the bytes of f32 rows,
//! and at 100k vectors that is what it waits on; the final candidates are re-ranked with the full
//! vectors, as int8 ones are (`hnsw.rs`), so scores stay exact f32. Like int8, the index keeps no
//! f32 copy: the document records hold the vectors.
//!
//! A row is `stride` values: dim rounded up to 8, zero padded, so kernels work in whole 16-byte
//! loads. Of one load of 8 values, each 32-bit lane shifted left by 16 is the even values as f32s,
//! and each lane with its low 16 bits cleared the odd ones: two instructions, no shuffle. A query is
//! laid out to match (`arrange`): per 8 values, the 4 even ones then the 4 odd ones.

use std::marker::PhantomData;

use super::distance::{Kernel, Metric};
use super::measure::{touch_lines, Measure};
use super::rows::Rows;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use super::distance_simd as simd;

/// Values per kernel block (one 16-byte load).
const BLOCK: usize = 8;

/// `x` rounded to the nearest bf16 (ties to even). Finite values stay finite: the few near
/// f32::MAX that round up to infinity are truncated instead.
pub fn to_bf16(x: f32) -> u16 {
    let bits = x.to_bits();
    let rounded = bits.wrapping_add(0x7fff + ((bits >> 16) & 1)) >> 16;
    if rounded & 0x7f80 == 0x7f80 && x.is_finite() {
        (bits >> 16) as u16
    } else {
        rounded as u16
    }
}

pub fn from_bf16(h: u16) -> f32 {
    f32::from_bits((h as u32) << 16)
}

/// Values in a row of dimension `dim`.
pub fn stride(dim: usize) -> usize {
    (dim + BLOCK - 1) / BLOCK * BLOCK
}

/// `v` laid out as the kernels read a query: per block of 8, the even values then the odd ones;
/// zeros past `v.len()`, up to `stride(v.len())`.
pub fn arrange(v: &[f32]) -> Vec<f32> {
    let mut out = vec![0f32; stride(v.len())];
    for (i, &x) in v.iter().enumerate() {
        let (block, j) = (i / BLOCK * BLOCK, i % BLOCK);
        out[block + j / 2 + (j % 2) * (BLOCK / 2)] = x;
    }
    out
}

/// Value `i` of an arranged layout, read from a row in natural order.
#[inline(always)]
fn arranged(row: &[u16], i: usize) -> f32 {
    let (block, j) = (i / BLOCK * BLOCK, i % BLOCK);
    let half = BLOCK / 2;
    from_bf16(row[block + 2 * (j % half) + j / half])
}

/// Scalar reference of the query kernels: 16 lanes, summed as `distance::reduce` sums them, so
/// native and SIMD builds agree to rounding.
fn sum_lanes(n: usize, term: impl Fn(usize) -> f32) -> f32 {
    let mut acc = [0f32; 16];
    for i in 0..n {
        acc[i % 16] += term(i);
    }
    let mut v = [0f32; 4];
    for (l, slot) in v.iter_mut().enumerate() {
        *slot = (acc[l] + acc[4 + l]) + (acc[8 + l] + acc[12 + l]);
    }
    (v[0] + v[1]) + (v[2] + v[3])
}

pub fn dot_scalar(q: &[f32], row: &[u16]) -> f32 {
    sum_lanes(row.len(), |i| q[i] * arranged(row, i))
}

pub fn l2_scalar(q: &[f32], row: &[u16]) -> f32 {
    sum_lanes(row.len(), |i| {
        let d = arranged(row, i) - q[i];
        d * d
    })
}

pub fn dot_rows_scalar(a: &[u16], b: &[u16]) -> f32 {
    sum_lanes(a.len(), |i| arranged(a, i) * arranged(b, i))
}

pub fn l2_rows_scalar(a: &[u16], b: &[u16]) -> f32 {
    sum_lanes(a.len(), |i| {
        let d = arranged(a, i) - arranged(b, i);
        d * d
    })
}

/// Dot product of an arranged query and a row (equal lengths, a multiple of 8).
#[inline(always)]
pub fn dot(q: &[f32], row: &[u16]) -> f32 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        simd::dot_bf16(q, row)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        dot_scalar(q, row)
    }
}

/// Squared L2 between an arranged query and a row.
#[inline(always)]
pub fn l2(q: &[f32], row: &[u16]) -> f32 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        simd::l2_bf16(q, row)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        l2_scalar(q, row)
    }
}

/// Dot product of two rows.
#[inline(always)]
pub fn dot_rows(a: &[u16], b: &[u16]) -> f32 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        simd::dot_bf16_rows(a, b)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        dot_rows_scalar(a, b)
    }
}

/// Squared L2 between two rows.
#[inline(always)]
pub fn l2_rows(a: &[u16], b: &[u16]) -> f32 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        simd::l2_bf16_rows(a, b)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        l2_rows_scalar(a, b)
    }
}

/// A metric's distance over an arranged query and a row (the `Kernel`'s metric, folded at compile
/// time in the walks).
#[inline(always)]
fn distance(metric: Metric, q: &[f32], row: &[u16]) -> f32 {
    match metric {
        Metric::Cosine => 1.0 - dot(q, row),
        Metric::L2 => l2(q, row),
        Metric::Dot => -dot(q, row),
    }
}

/// Unit roundoff of bf16 (8 significant bits): `|to_bf16(x) - x| <= UNIT_ROUNDOFF * |x|`.
const UNIT_ROUNDOFF: f64 = 1.0 / 256.0;

/// Every node's bf16 row, in id order, in cache-line-aligned chunks (`rows.rs`).
#[derive(Clone, Debug)]
pub struct Bf16Store {
    dim: usize,
    rows: Rows<u16>,
    /// The largest squared norm of any row held (deleted ones too, until a purge drops them):
    /// bounds the rounding error of a distance (`error_bound`).
    max_norm2: f64,
}

impl Bf16Store {
    pub fn new(dim: usize) -> Bf16Store {
        Bf16Store { dim, rows: Rows::new(stride(dim)), max_norm2: 0.0 }
    }

    /// Every row of `rows` (prepared vectors) rounded to bf16.
    pub fn of_rows(rows: &Rows) -> Bf16Store {
        let mut store = Bf16Store::zeroed(rows.dim(), rows.len());
        for (id, row) in rows.iter().enumerate() {
            store.set_row(id as u32, row);
        }
        store
    }

    /// `n` rows of zeros, to be written with `set_row` (an index loaded without its rows).
    pub fn zeroed(dim: usize, n: usize) -> Bf16Store {
        Bf16Store { dim, rows: Rows::zeroed(stride(dim), n), max_norm2: 0.0 }
    }

    /// `zeroed`, or None when memory cannot hold the rows (see `Rows::try_zeroed`).
    pub fn try_zeroed(dim: usize, n: usize) -> Option<Bf16Store> {
        Some(Bf16Store { dim, rows: Rows::try_zeroed(stride(dim), n)?, max_norm2: 0.0 })
    }

    /// Rows saved from `chunks` (whole rows of `stride(dim)` little-endian u16s).
    pub fn from_le_bytes(dim: usize, bytes: &[u8]) -> Result<Bf16Store, &'static str> {
        let mut store = Bf16Store { dim, rows: Rows::from_le_u16_bytes(stride(dim), bytes)?, max_norm2: 0.0 };
        if (0..store.len() as u32).any(|id| store.row(id)[dim..].iter().any(|&h| h != 0)) {
            return Err("a bf16 row's padding is not zero");
        }
        store.recount_norms();
        if !store.max_norm2.is_finite() {
            return Err("a bf16 row holds NaN or infinity");
        }
        Ok(store)
    }

    /// `max_norm2` of the rows held now.
    fn recount_norms(&mut self) {
        self.max_norm2 = 0.0;
        for id in 0..self.len() as u32 {
            self.note_norm(id);
        }
    }

    /// Counts row `id`'s norm into `max_norm2`.
    fn note_norm(&mut self, id: u32) {
        let norm2: f64 = self.row(id).iter().map(|&h| (from_bf16(h) as f64).powi(2)).sum();
        // `max` would drop a NaN: once one is seen it stays, so a loaded row holding one is refused.
        if !self.max_norm2.is_nan() && !(norm2 <= self.max_norm2) {
            self.max_norm2 = norm2;
        }
    }

    /// A bound on `|d' - d|`, where `d'` is a distance the kernels measure from the prepared query
    /// `q` to any stored row and `d` the one the f32 kernels measure to that row's vector: bf16
    /// rounding plus both kernels' f32 sums and underflows, with a margin. Infinite when a
    /// kernel's sums could overflow (values near f32::MAX): then only the f32 vectors can say.
    ///
    /// Each value moves by `a_i <= u |x_i| + TINY` (`u` relative, `TINY` below the normal range),
    /// so `|a| <= A = u |x| + sqrt(dim) TINY`. Dot: `|q.(x - x')| <= |q| A`. L2: `(q - x')^2 -
    /// (q - x)^2 = (x - x').(2q - x - x')`, at most `A (2|q| + 2|x| + A)` (Cauchy-Schwarz both).
    pub fn error_bound(&self, metric: Metric, q: &[f32]) -> f32 {
        const TINY: f64 = 1.0 / (1u128 << 127) as f64 / (1u64 << 7) as f64; // 2^-134
        const UNDERFLOW: f64 = TINY / (1u64 << 15) as f64; // 2^-149: f32's smallest step
        let (u, n) = (UNIT_ROUNDOFF, self.dim as f64);
        let q_norm = q.iter().map(|&x| (x as f64).powi(2)).sum::<f64>().sqrt();
        // A vector's norm from its row's: |x| <= |x'| + |a| <= |x'| + u |x| + sqrt(dim) TINY.
        let x_norm = (self.max_norm2.sqrt() + n.sqrt() * TINY) / (1.0 - u);
        let a = u * x_norm + n.sqrt() * TINY;
        // Both kernels: f32 sums of dim terms (gamma_n of the sum of |terms|), and each term's
        // underflow.
        let sums = 2.0 * (n + 8.0) * f64::from(f32::EPSILON);
        let underflows = 2.0 * n * UNDERFLOW;
        let (bound, largest) = match metric {
            Metric::Cosine | Metric::Dot => (q_norm * a + sums * q_norm * x_norm, q_norm * x_norm),
            Metric::L2 => {
                let reach = (q_norm + x_norm).powi(2);
                (a * (2.0 * q_norm + 2.0 * x_norm + a) + sums * reach, reach)
            }
        };
        if !(largest * (1.0 + 4.0 * u) < f64::from(f32::MAX) / 2.0) {
            return f32::INFINITY;
        }
        round_up((bound + underflows) * 1.01)
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Bytes of one saved row.
    pub fn bytes_per_row(dim: usize) -> usize {
        stride(dim) * 2
    }

    /// Appends a prepared vector.
    pub fn push(&mut self, v: &[f32]) {
        let mut row = vec![0u16; self.rows.dim()];
        encode(v, &mut row);
        self.rows.push(&row);
        self.note_norm(self.len() as u32 - 1);
    }

    /// Overwrites row `id` with `v` (panics when `id >= len`).
    pub fn set_row(&mut self, id: u32, v: &[f32]) {
        encode(v, self.rows.row_mut(id));
        self.note_norm(id);
    }

    /// Row `id`'s values (panics when `id >= len`).
    #[inline]
    pub fn row(&self, id: u32) -> &[u16] {
        self.rows.row(id)
    }

    /// Overwrites row `id` with a row of another store of this dimension.
    pub fn copy_row_from(&mut self, id: u32, row: &[u16]) {
        self.rows.row_mut(id).copy_from_slice(row);
        self.note_norm(id);
    }

    /// Every row's values, in id order, a chunk at a time (the saved form: `persist.rs`).
    pub fn chunks(&self) -> impl Iterator<Item = &[u16]> + '_ {
        self.rows.chunks()
    }

    /// Row `id` decoded to f32s (`dim` of them).
    pub fn decode(&self, id: u32) -> Vec<f32> {
        self.row(id)[..self.dim].iter().map(|&h| from_bf16(h)).collect()
    }

    pub fn permute(&mut self, order: &[u32]) {
        self.rows.permute(order);
    }

    /// Keeps the rows `keep` accepts; the norm bound then follows the rows kept, so one large
    /// vector, once purged, no longer widens every exact scan's re-measuring.
    pub fn retain_in_place(&mut self, keep: impl Fn(u32) -> bool) {
        self.rows.retain_in_place(keep);
        self.recount_norms();
    }

    /// The distance between two stored rows (graph construction and repair).
    #[inline]
    pub fn pair_distance(&self, metric: Metric, a: u32, b: u32) -> f32 {
        let (ra, rb) = (self.row(a), self.row(b));
        match metric {
            Metric::Cosine => 1.0 - dot_rows(ra, rb),
            Metric::L2 => l2_rows(ra, rb),
            Metric::Dot => -dot_rows(ra, rb),
        }
    }
}

/// The least f32 not below `x` (a non-negative bound must not round down).
fn round_up(x: f64) -> f32 {
    let y = x as f32;
    if (y as f64) < x {
        f32::from_bits(y.to_bits() + 1)
    } else {
        y
    }
}

/// Writes `v` rounded to bf16 into `row`, zero past `v.len()`.
fn encode(v: &[f32], row: &mut [u16]) {
    for (slot, &x) in row.iter_mut().zip(v) {
        *slot = to_bf16(x);
    }
    row[v.len()..].iter_mut().for_each(|slot| *slot = 0);
}

/// A query against the bf16 rows with kernel `K`'s metric.
pub struct Bf16Query<'a, K> {
    query: Vec<f32>,
    store: &'a Bf16Store,
    kernel: PhantomData<K>,
}

impl<'a, K: Kernel> Bf16Query<'a, K> {
    /// The walk asks only for graph ids, which are below `store.len()` (checked at insert and load).
    pub fn new(query: &[f32], store: &'a Bf16Store) -> Bf16Query<'a, K> {
        debug_assert!(query.len() == store.dim);
        Bf16Query { query: arrange(query), store, kernel: PhantomData }
    }

    #[inline(always)]
    fn row(&self, id: u32) -> &[u16] {
        debug_assert!((id as usize) < self.store.len());
        // SAFETY: graph ids are < the row count (see `new`).
        unsafe { std::slice::from_raw_parts(self.store.rows.row_ptr(id), self.query.len()) }
    }
}

impl<'a, K: Kernel> Bf16Query<'a, K> {
    /// `out[i]` = the distance to the i-th row of `rows` (whole rows of a chunk, `Bf16Store::chunks`);
    /// out of line so the loop holds only the kernel (as `exact.rs`'s f32 `score_block`).
    #[inline(never)]
    pub fn score_block(&self, rows: &[u16], out: &mut [f32]) {
        for (row, d) in rows.chunks_exact(self.query.len()).zip(out.iter_mut()) {
            *d = distance(K::METRIC, &self.query, row);
        }
    }

    /// Values per row.
    pub fn stride(&self) -> usize {
        self.query.len()
    }

    /// The store's rows, a chunk at a time (`score_block` takes them).
    pub fn chunks(&self) -> impl Iterator<Item = &'a [u16]> + 'a {
        self.store.rows.chunks()
    }
}

impl<'a, K: Kernel> Measure for Bf16Query<'a, K> {
    #[inline(always)]
    fn distance(&self, id: u32) -> f32 {
        distance(K::METRIC, &self.query, self.row(id))
    }

    #[inline(always)]
    fn prefetch(&self, id: u32) {
        let row = self.row(id);
        // SAFETY: `row` is a live slice of the store.
        unsafe { touch_lines(row.as_ptr() as *const u8, row.len() * 2) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vector::rng::Rng;

    #[test]
    fn rounding_is_to_nearest_and_keeps_finite_values_finite() {
        for x in [0.0f32, -0.0, 1.0, -2.5, 3.0e-3, 1.0e-37, 65504.0] {
            let back = from_bf16(to_bf16(x));
            assert!((back - x).abs() <= x.abs() / 256.0, "{} came back as {}", x, back);
        }
        // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties go to the even one, 1.
        assert_eq!(from_bf16(to_bf16(1.0 + 1.0 / 256.0)), 1.0);
        assert_eq!(from_bf16(to_bf16(1.0 + 3.0 / 512.0)), 1.0 + 1.0 / 128.0);
        for x in [f32::MAX, -f32::MAX, 3.3999e38] {
            assert!(from_bf16(to_bf16(x)).is_finite(), "{}", x);
        }
    }

    #[test]
    fn the_error_bound_follows_the_rows_kept() {
        let mut store = Bf16Store::new(4);
        store.push(&[1.0, 0.0, 0.0, 0.0]);
        store.push(&[1000.0, 0.0, 0.0, 0.0]);
        let q = [1.0f32, 0.0, 0.0, 0.0];
        let wide = store.error_bound(Metric::Dot, &q);
        store.retain_in_place(|id| id == 0);
        let narrow = store.error_bound(Metric::Dot, &q);
        assert!(narrow * 500.0 < wide, "{} after dropping the large row, {} before", narrow, wide);
    }

    #[test]
    fn kernels_match_the_distances_of_the_rounded_values() {
        let mut rng = Rng::new(5);
        for dim in [1usize, 7, 8, 9, 16, 17, 100, 128, 384] {
            let a: Vec<f32> = (0..dim).map(|_| rng.gaussian()).collect();
            let b: Vec<f32> = (0..dim).map(|_| rng.gaussian()).collect();
            let mut store = Bf16Store::new(dim);
            store.push(&a);
            store.push(&b);
            let (ra, rb) = (store.decode(0), store.decode(1));
            let plain_dot = |x: &[f32], y: &[f32]| x.iter().zip(y).map(|(p, q)| *p as f64 * *q as f64).sum::<f64>();
            let plain_l2 = |x: &[f32], y: &[f32]| x.iter().zip(y).map(|(p, q)| ((*p - *q) as f64).powi(2)).sum::<f64>();
            let close = |got: f32, want: f64| ((got as f64) - want).abs() <= 1e-4 * want.abs().max(1.0);
            let q = arrange(&a);
            assert!(close(dot(&q, store.row(1)), plain_dot(&a, &rb)), "dot dim {}", dim);
            assert!(close(dot_scalar(&q, store.row(1)), plain_dot(&a, &rb)), "dot_scalar dim {}", dim);
            assert!(close(l2(&q, store.row(1)), plain_l2(&a, &rb)), "l2 dim {}", dim);
            assert!(close(l2_scalar(&q, store.row(1)), plain_l2(&a, &rb)), "l2_scalar dim {}", dim);
            assert!(close(dot_rows(store.row(0), store.row(1)), plain_dot(&ra, &rb)), "dot_rows dim {}", dim);
            assert!(close(l2_rows(store.row(0), store.row(1)), plain_l2(&ra, &rb)), "l2_rows dim {}", dim);
            assert!(close(l2_rows_scalar(store.row(0), store.row(1)), plain_l2(&ra, &rb)), "l2_rows_scalar dim {}", dim);
            // Rounding costs little: the distance of the rounded values is within 1% of the exact one's.
            assert!((plain_dot(&a, &rb) - plain_dot(&a, &b)).abs() <= 0.01 * dim as f64, "rounding error dim {}", dim);
        }
    }

    /// Runs where the SIMD128 kernels are compiled: they agree with the scalar reference.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[test]
    fn simd128_kernels_agree_with_the_scalar_reference() {
        let mut rng = Rng::new(12);
        for dim in (1..300).step_by(7) {
            let a: Vec<f32> = (0..dim).map(|_| rng.gaussian()).collect();
            let mut store = Bf16Store::new(dim);
            store.push(&a);
            store.push(&(0..dim).map(|_| rng.gaussian()).collect::<Vec<f32>>());
            let q = arrange(&a);
            let (r0, r1) = (store.row(0), store.row(1));
            assert_eq!(simd::dot_bf16(&q, r1), dot_scalar(&q, r1), "dim {}", dim);
            assert_eq!(simd::l2_bf16(&q, r1), l2_scalar(&q, r1), "dim {}", dim);
            assert_eq!(simd::dot_bf16_rows(r0, r1), dot_rows_scalar(r0, r1), "dim {}", dim);
            assert_eq!(simd::l2_bf16_rows(r0, r1), l2_rows_scalar(r0, r1), "dim {}", dim);
        }
    }
}
