//! Int8 scalar quantisation: each vector keeps one i8 code per dimension plus its own scale and
//! offset, `x_i ~ offset + scale * code_i` with codes in -127..=127. A dot product then costs one
//! int8 kernel call and a few flops:
//! `dot(a, b) ~ d*oa*ob + oa*sb*sum(qb) + ob*sa*sum(qa) + sa*sb*dot_i8(qa, qb)`.
//! The graph walk uses it; the final candidates are re-ranked with the f32 vectors.

use super::distance::{dot_i8, Metric};
use super::measure::{touch_lines, Measure};
use super::rows::Rows;

/// Per-vector parameters of the codes.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
pub struct QParams {
    pub scale: f32,
    pub offset: f32,
    /// Sum of the codes, for the offset terms.
    pub code_sum: f32,
    /// Squared norm of the f32 vector, for L2 from a dot product.
    pub norm2: f32,
}

/// Bytes of a row's parameters, stored just before its codes.
const PARAMS_BYTES: usize = std::mem::size_of::<QParams>();

/// Every node's row, in id order: its `QParams`, then its `dim` codes. Kept together because a
/// walk reads both for each node it measures: in separate arrays, the parameters were a second
/// cache miss per node, a third of the int8 walk's time at 100k x 384-d.
#[derive(Clone, Debug, Default)]
pub struct Int8Store {
    dim: usize,
    stride: usize,
    rows: Vec<u8>,
}

/// Writes the codes of `v` into `out` and returns its parameters.
pub fn quantize(v: &[f32], out: &mut [i8]) -> QParams {
    let (mut lo, mut hi) = (f32::INFINITY, f32::NEG_INFINITY);
    for &x in v {
        lo = lo.min(x);
        hi = hi.max(x);
    }
    // Halves first: `lo + hi` or `hi - lo` overflows for values near f32::MAX.
    let offset = lo * 0.5 + hi * 0.5;
    let scale = (hi * 0.5 - lo * 0.5) / 127.0;
    let inv = if scale > 0.0 { 1.0 / scale } else { 0.0 };
    let mut sum = 0i32;
    let mut norm2 = 0f32;
    for (o, &x) in out.iter_mut().zip(v) {
        // Round half away from zero by hand: `f32::round` is a library call in wasm, made for
        // every value of every vector when a collection is re-coded at open. The saturating `as`
        // keeps any non-finite product (a subnormal scale) from being undefined: NaN becomes 0.
        let t = ((x - offset) * inv).clamp(-127.0, 127.0);
        let q = (t + 0.5f32.copysign(t)) as i8;
        *o = q;
        sum += q as i32;
        norm2 += x * x;
    }
    QParams { scale, offset, code_sum: sum as f32, norm2 }
}

/// The approximate dot product of two quantised vectors of dimension `dim`.
#[inline]
pub fn approx_dot(dim: usize, qa: &[i8], pa: &QParams, qb: &[i8], pb: &QParams) -> f32 {
    let d = dim as f32;
    d * pa.offset * pb.offset
        + pa.offset * pb.scale * pb.code_sum
        + pb.offset * pa.scale * pa.code_sum
        + pa.scale * pb.scale * dot_i8(qa, qb) as f32
}

impl Int8Store {
    pub fn new(dim: usize) -> Int8Store {
        Int8Store { dim, stride: PARAMS_BYTES + dim, rows: Vec::new() }
    }

    /// The codes of every row of `vectors`, in one allocation of the exact size (grown by
    /// doubling, the store would leave its old blocks as holes in wasm memory).
    pub fn of_rows(vectors: &Rows) -> Int8Store {
        let mut store = Int8Store::new(vectors.dim());
        store.rows.reserve_exact(vectors.len() * store.stride);
        vectors.iter().for_each(|v| store.push(v));
        store
    }

    pub fn push(&mut self, v: &[f32]) {
        assert_eq!(v.len(), self.dim, "a row has dim values");
        let at = self.rows.len();
        self.rows.resize(at + self.stride, 0);
        let row = &mut self.rows[at..];
        // SAFETY: i8 and u8 have one layout; the slice is this row's `dim` code bytes.
        let codes = unsafe { std::slice::from_raw_parts_mut(row[PARAMS_BYTES..].as_mut_ptr() as *mut i8, self.dim) };
        let p = quantize(v, codes);
        // SAFETY: the row starts with PARAMS_BYTES bytes for them; unaligned, as rows are packed.
        unsafe { std::ptr::write_unaligned(row.as_mut_ptr() as *mut QParams, p) };
    }

    /// The bytes of row `id`: its parameters, then its codes.
    #[inline(always)]
    fn row(&self, id: u32) -> &[u8] {
        let at = id as usize * self.stride;
        &self.rows[at..at + self.stride]
    }

    #[inline]
    pub fn codes(&self, id: u32) -> (&[i8], QParams) {
        let row = self.row(id);
        // SAFETY: `row` holds a QParams written by `push`, then `dim` codes.
        unsafe {
            let params = std::ptr::read_unaligned(row.as_ptr() as *const QParams);
            (std::slice::from_raw_parts(row[PARAMS_BYTES..].as_ptr() as *const i8, self.dim), params)
        }
    }

    /// Starts loading the row of `id` (see `measure.rs`).
    #[inline(always)]
    pub fn prefetch(&self, id: u32) {
        let row = self.row(id);
        // SAFETY: `row` is a live slice of the store.
        unsafe { touch_lines(row.as_ptr(), row.len()) }
    }

    /// Rows held.
    pub fn len(&self) -> usize {
        if self.stride == 0 { 0 } else { self.rows.len() / self.stride }
    }

    /// Every row's bytes, in id order (the saved form: `persist.rs`).
    pub fn bytes(&self) -> &[u8] {
        &self.rows
    }

    /// Bytes of one row: its parameters, then its codes.
    pub fn row_bytes(dim: usize) -> usize {
        PARAMS_BYTES + dim
    }

    /// Reads rows saved by `bytes`. Errors when they do not fill whole rows, or a row's
    /// parameters are not finite (codes are any byte).
    pub fn from_le_bytes(dim: usize, bytes: &[u8]) -> std::result::Result<Int8Store, &'static str> {
        let mut store = Int8Store::new(dim);
        if bytes.len() % store.stride != 0 {
            return Err("the int8 rows do not fill whole rows");
        }
        store.rows = bytes.to_vec();
        for id in 0..store.len() as u32 {
            let (_, p) = store.codes(id);
            if !(p.scale.is_finite() && p.offset.is_finite() && p.code_sum.is_finite() && p.norm2.is_finite()) {
                return Err("an int8 row's parameters hold NaN or infinity");
            }
        }
        Ok(store)
    }

    /// Reorders the rows in place: new row `i` is old row `order[i]` (a permutation).
    pub fn permute(&mut self, order: &[u32]) {
        assert_eq!(order.len(), self.len(), "a permutation of every row");
        super::permute::permute_in_place(&mut super::permute::Strided::new(&mut self.rows, self.stride), order);
    }

    /// Keeps the rows `keep` accepts, in order, moving them down in place.
    pub fn retain_in_place(&mut self, keep: impl Fn(u32) -> bool) {
        let stride = self.stride;
        let mut kept = 0usize;
        for id in 0..self.len() {
            if keep(id as u32) {
                self.rows.copy_within(id * stride..(id + 1) * stride, kept * stride);
                kept += 1;
            }
        }
        self.rows.truncate(kept * stride);
    }

    /// The approximate distance between two stored rows (graph construction and repair).
    #[inline]
    pub fn pair_distance(&self, metric: Metric, a: u32, b: u32) -> f32 {
        let ((ca, pa), (cb, pb)) = (self.codes(a), self.codes(b));
        metric.distance_from_dot(approx_dot(self.dim, ca, &pa, cb, &pb), pa.norm2, pb.norm2)
    }

    /// Distance from a quantised query to node `id`.
    #[inline]
    pub fn distance(&self, metric: Metric, q: &[i8], qp: &QParams, id: u32) -> f32 {
        let (c, p) = self.codes(id);
        metric.distance_from_dot(approx_dot(self.dim, q, qp, c, &p), qp.norm2, p.norm2)
    }
}

/// A query quantised once, measured against the stored codes.
pub struct Int8Query<'a> {
    store: &'a Int8Store,
    metric: Metric,
    codes: Vec<i8>,
    params: QParams,
}

impl<'a> Int8Query<'a> {
    pub fn new(store: &'a Int8Store, metric: Metric, query: &[f32]) -> Int8Query<'a> {
        let mut codes = vec![0i8; store.dim];
        let params = quantize(query, &mut codes);
        Int8Query { store, metric, codes, params }
    }
}

impl<'a> Measure for Int8Query<'a> {
    #[inline(always)]
    fn distance(&self, id: u32) -> f32 {
        self.store.distance(self.metric, &self.codes, &self.params, id)
    }

    #[inline(always)]
    fn prefetch(&self, id: u32) {
        self.store.prefetch(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vector::rng::Rng;

    #[test]
    fn approximate_dot_is_within_a_few_percent_of_the_exact_one() {
        let mut rng = Rng::new(3);
        for dim in [1usize, 7, 32, 100, 128] {
            let a: Vec<f32> = (0..dim).map(|_| rng.gaussian() + 0.5).collect();
            let b: Vec<f32> = (0..dim).map(|_| rng.gaussian() - 0.25).collect();
            let (mut qa, mut qb) = (vec![0i8; dim], vec![0i8; dim]);
            let (pa, pb) = (quantize(&a, &mut qa), quantize(&b, &mut qb));
            let exact: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            let norms = (a.iter().map(|x| x * x).sum::<f32>() * b.iter().map(|x| x * x).sum::<f32>()).sqrt();
            let err = (approx_dot(dim, &qa, &pa, &qb, &pb) - exact).abs();
            assert!(err <= 0.02 * norms, "dim {}: error {} vs norms {}", dim, err, norms);
        }
        // Values near f32::MAX or subnormal: finite parameters, codes in range, no overflow.
        for v in [vec![2e38f32, 2e38], vec![3.4e38f32, -3.4e38, 0.0], vec![1e-45f32, 3e-45, 2e-45]] {
            let mut q = vec![0i8; v.len()];
            let p = quantize(&v, &mut q);
            assert!(p.offset.is_finite() && p.scale.is_finite(), "{:?}: {:?}", v, p);
            assert!(q.iter().all(|c| (-127..=127).contains(c)), "{:?}: {:?}", v, q);
        }
        // A constant vector has scale 0 and is still exact.
        let c = vec![2.0f32; 16];
        let mut qc = vec![0i8; 16];
        let pc = quantize(&c, &mut qc);
        assert_eq!(approx_dot(16, &qc, &pc, &qc, &pc), 64.0);
    }
}
