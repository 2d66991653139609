//! Metrics, their distance kernels and the user-facing scores.
//!
//! Inside the index every metric is a distance, lower is closer; users see a score, higher is
//! better:
//!
//! | metric   | distance `d` (internal)       | score (returned)                 |
//! |----------|-------------------------------|----------------------------------|
//! | `Cosine` | `1 - dot(a, b)` (unit vectors)| `1 - d`: the cosine similarity    |
//! | `Dot`    | `-dot(a, b)`                  | `-d`: the dot product             |
//! | `L2`     | `squared_l2(a, b)`            | `-d`: the negated squared L2      |
//!
//! Cosine vectors are normalised once at insert (and the query once per search), so cosine costs
//! one dot product. Kernels: a scalar reference that keeps 16 partial sums, the same order as the
//! SIMD128 one (so the two agree to rounding, and natively LLVM vectorises it), and the SIMD128
//! kernel picked at compile time for `wasm32` + `simd128`.

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use super::distance_simd as simd;

/// Lanes of the scalar reference: four `f32x4` accumulators, as the SIMD kernel keeps.
const LANES: usize = 16;

/// A vector metric. The byte is its on-disk code (`persist.rs`): never renumber.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Metric {
    Cosine = 1,
    L2 = 2,
    Dot = 3,
}

impl Metric {
    pub fn from_code(code: u8) -> Option<Metric> {
        match code {
            1 => Some(Metric::Cosine),
            2 => Some(Metric::L2),
            3 => Some(Metric::Dot),
            _ => None,
        }
    }

    /// Distance between two stored (cosine: unit) vectors, lower is closer.
    #[inline]
    pub fn distance(self, a: &[f32], b: &[f32]) -> f32 {
        match self {
            Metric::Cosine => 1.0 - dot(a, b),
            Metric::L2 => l2_squared(a, b),
            Metric::Dot => -dot(a, b),
        }
    }

    /// The distance, given the dot product and, for L2, both squared norms (int8 mode).
    #[inline]
    pub fn distance_from_dot(self, dot: f32, norm2_a: f32, norm2_b: f32) -> f32 {
        match self {
            Metric::Cosine => 1.0 - dot,
            Metric::L2 => (norm2_a + norm2_b - 2.0 * dot).max(0.0),
            Metric::Dot => -dot,
        }
    }

    /// The user-facing score of a distance (see the table in the module doc).
    #[inline]
    pub fn score(self, distance: f32) -> f32 {
        match self {
            Metric::Cosine => 1.0 - distance,
            Metric::L2 | Metric::Dot => -distance,
        }
    }
}

/// A metric's distance as a type: a search generic over it is compiled once per metric, so the
/// kernel inlines into the graph walk instead of a call and a `match` per distance.
pub trait Kernel {
    const METRIC: Metric;
    fn distance(a: &[f32], b: &[f32]) -> f32;
}

pub struct CosineKernel;
pub struct L2Kernel;
pub struct DotKernel;

impl Kernel for CosineKernel {
    const METRIC: Metric = Metric::Cosine;
    #[inline(always)]
    fn distance(a: &[f32], b: &[f32]) -> f32 {
        1.0 - dot(a, b)
    }
}

impl Kernel for L2Kernel {
    const METRIC: Metric = Metric::L2;
    #[inline(always)]
    fn distance(a: &[f32], b: &[f32]) -> f32 {
        l2_squared(a, b)
    }
}

impl Kernel for DotKernel {
    const METRIC: Metric = Metric::Dot;
    #[inline(always)]
    fn distance(a: &[f32], b: &[f32]) -> f32 {
        -dot(a, b)
    }
}

/// Dot product with the kernel of this build.
#[inline(always)]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        simd::dot(a, b)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        dot_scalar(a, b)
    }
}

/// Squared L2 with the kernel of this build.
#[inline(always)]
pub fn l2_squared(a: &[f32], b: &[f32]) -> f32 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        simd::l2_squared(a, b)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        l2_squared_scalar(a, b)
    }
}

/// Int8 dot product with the kernel of this build.
#[inline]
pub fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        simd::dot_i8(a, b)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        dot_i8_scalar(a, b)
    }
}

/// Scalar reference dot product.
pub fn dot_scalar(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0f32; LANES];
    let mut ca = a.chunks_exact(LANES);
    let mut cb = b.chunks_exact(LANES);
    for (x, y) in (&mut ca).zip(&mut cb) {
        for j in 0..LANES {
            acc[j] += x[j] * y[j];
        }
    }
    let (ta, tb) = (ca.remainder(), cb.remainder());
    // 4-wide steps land in the first accumulator, as in the SIMD kernel.
    let quads = ta.len() / 4 * 4;
    for i in 0..quads {
        acc[i % 4] += ta[i] * tb[i];
    }
    let mut sum = reduce(&acc);
    for i in quads..ta.len() {
        sum += ta[i] * tb[i];
    }
    sum
}

/// Scalar reference squared L2.
pub fn l2_squared_scalar(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0f32; LANES];
    let mut ca = a.chunks_exact(LANES);
    let mut cb = b.chunks_exact(LANES);
    for (x, y) in (&mut ca).zip(&mut cb) {
        for j in 0..LANES {
            let d = x[j] - y[j];
            acc[j] += d * d;
        }
    }
    let (ta, tb) = (ca.remainder(), cb.remainder());
    let quads = ta.len() / 4 * 4;
    for i in 0..quads {
        let d = ta[i] - tb[i];
        acc[i % 4] += d * d;
    }
    let mut sum = reduce(&acc);
    for i in quads..ta.len() {
        let d = ta[i] - tb[i];
        sum += d * d;
    }
    sum
}

/// Scalar reference int8 dot product (exact).
pub fn dot_i8_scalar(a: &[i8], b: &[i8]) -> i32 {
    let mut acc = [0i32; LANES];
    let mut ca = a.chunks_exact(LANES);
    let mut cb = b.chunks_exact(LANES);
    for (x, y) in (&mut ca).zip(&mut cb) {
        for j in 0..LANES {
            acc[j] += x[j] as i32 * y[j] as i32;
        }
    }
    let mut sum: i32 = acc.iter().sum();
    for (x, y) in ca.remainder().iter().zip(cb.remainder()) {
        sum += *x as i32 * *y as i32;
    }
    sum
}

/// Sums 16 lanes the way the SIMD kernel does: s0+s1+s2+s3 lane-wise, then the 4 lanes.
#[inline]
fn reduce(acc: &[f32; LANES]) -> f32 {
    let mut v = [0f32; 4];
    for (l, slot) in v.iter_mut().enumerate() {
        *slot = (acc[l] + acc[4 + l]) + (acc[8 + l] + acc[12 + l]);
    }
    (v[0] + v[1]) + (v[2] + v[3])
}

/// Whether `normalize` can scale `v` to unit length: its norm, summed exactly as `normalize` sums
/// it, is finite and not zero. A commit's checks use this very test, so a vector they accept is
/// never refused by the index after its commit is durable.
pub fn has_direction(v: &[f32]) -> bool {
    let norm = dot(v, v).sqrt();
    norm.is_finite() && norm > 0.0
}

/// Scales `v` to unit length in place. Returns false for a zero vector (no direction).
pub fn normalize(v: &mut [f32]) -> bool {
    // `dot` sums as `dot_scalar` does, so native and wasm builds agree to the bit.
    let norm = dot(v, v).sqrt();
    if !norm.is_finite() || norm <= 0.0 {
        return false;
    }
    let inv = 1.0 / norm;
    v.iter_mut().for_each(|x| *x *= inv);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vector::rng::Rng;

    fn plain_dot(a: &[f32], b: &[f32]) -> f64 {
        a.iter().zip(b).map(|(x, y)| *x as f64 * *y as f64).sum()
    }

    fn close(x: f32, y: f64) -> bool {
        ((x as f64) - y).abs() <= 1e-4 * y.abs().max(1.0)
    }

    #[test]
    fn kernels_match_a_plain_f64_sum_for_every_length_and_offset() {
        let mut rng = Rng::new(7);
        for n in 0..150 {
            for off in 0..3 {
                let a: Vec<f32> = (0..n + off).map(|_| rng.gaussian()).collect();
                let b: Vec<f32> = (0..n + off).map(|_| rng.gaussian()).collect();
                let (a, b) = (&a[off..], &b[off..]);
                assert!(close(dot(a, b), plain_dot(a, b)), "dot n={}", n);
                assert!(close(dot_scalar(a, b), plain_dot(a, b)), "dot_scalar n={}", n);
                let l2: f64 = a.iter().zip(b).map(|(x, y)| ((*x - *y) as f64).powi(2)).sum();
                assert!(close(l2_squared(a, b), l2), "l2 n={}", n);
                assert!(close(l2_squared_scalar(a, b), l2), "l2_scalar n={}", n);
                let qa: Vec<i8> = (0..n).map(|_| (rng.next_u32() % 255) as i32 as i8).collect();
                let qb: Vec<i8> = (0..n).map(|_| (rng.next_u32() % 255) as i32 as i8).collect();
                let exact: i32 = qa.iter().zip(&qb).map(|(x, y)| *x as i32 * *y as i32).sum();
                assert_eq!(dot_i8(&qa, &qb), exact);
                assert_eq!(dot_i8_scalar(&qa, &qb), exact);
            }
        }
    }

    /// Runs where the SIMD128 kernels are compiled (wasm32 + simd128, e.g. the wasm32-wasi test
    /// binary under Node): they must agree with the scalar reference.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[test]
    fn simd128_kernels_agree_with_the_scalar_reference() {
        let mut rng = Rng::new(11);
        for n in 0..300 {
            let a: Vec<f32> = (0..n).map(|_| rng.gaussian() * 3.0).collect();
            let b: Vec<f32> = (0..n).map(|_| rng.gaussian()).collect();
            let rel = |x: f32, y: f32| (x - y).abs() <= 1e-4 * y.abs().max(1.0);
            assert!(rel(simd::dot(&a, &b), dot_scalar(&a, &b)), "dot n={}", n);
            assert!(rel(simd::l2_squared(&a, &b), l2_squared_scalar(&a, &b)), "l2 n={}", n);
            let qa: Vec<i8> = (0..n).map(|_| (rng.next_u32() % 255) as i32 as i8).collect();
            let qb: Vec<i8> = (0..n).map(|_| (rng.next_u32() % 255) as i32 as i8).collect();
            assert_eq!(simd::dot_i8(&qa, &qb), dot_i8_scalar(&qa, &qb), "dot_i8 n={}", n);
        }
    }

    #[test]
    fn scores_are_higher_for_closer_vectors() {
        let q = [1.0f32, 0.0];
        let near = [0.9f32, 0.1];
        let far = [-1.0f32, 0.0];
        for m in [Metric::L2, Metric::Dot] {
            assert!(m.score(m.distance(&q, &near)) > m.score(m.distance(&q, &far)));
        }
        let (mut a, mut b) = ([3.0f32, 4.0], [4.0f32, 3.0]);
        assert!(normalize(&mut a) && normalize(&mut b));
        let s = Metric::Cosine.score(Metric::Cosine.distance(&a, &b));
        assert!((s - 0.96).abs() < 1e-6, "cosine similarity of (3,4),(4,3) is 24/25, got {}", s);
        assert!(!normalize(&mut [0.0f32, 0.0]));
    }
}
