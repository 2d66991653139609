//! WebAssembly SIMD128 kernels, compiled only for `wasm32` with `+simd128`.
//!
//! Each mirrors its scalar reference in `distance.rs`: 16 floats per step in four independent
//! `f32x4` accumulators (so adds do not wait on each other), then 4-wide steps, then a scalar
//! tail. Loads are unaligned (`read_unaligned` becomes `v128.load align=1`): slices of the
//! contiguous vector array start at any multiple of 4 bytes.

use core::arch::wasm32::*;

#[inline(always)]
unsafe fn load_f32(p: *const f32) -> v128 {
    core::ptr::read_unaligned(p as *const v128)
}

#[inline(always)]
unsafe fn load_i8(p: *const i8) -> v128 {
    core::ptr::read_unaligned(p as *const v128)
}

#[inline(always)]
fn sum_f32x4(v: v128) -> f32 {
    (f32x4_extract_lane::<0>(v) + f32x4_extract_lane::<1>(v))
        + (f32x4_extract_lane::<2>(v) + f32x4_extract_lane::<3>(v))
}

/// One 16-float step of `dot`: four independent multiply-adds.
#[inline(always)]
unsafe fn dot_step(s: &mut [v128; 4], pa: *const f32, pb: *const f32) {
    s[0] = f32x4_add(s[0], f32x4_mul(load_f32(pa), load_f32(pb)));
    s[1] = f32x4_add(s[1], f32x4_mul(load_f32(pa.add(4)), load_f32(pb.add(4))));
    s[2] = f32x4_add(s[2], f32x4_mul(load_f32(pa.add(8)), load_f32(pb.add(8))));
    s[3] = f32x4_add(s[3], f32x4_mul(load_f32(pa.add(12)), load_f32(pb.add(12))));
}

/// Dot product. Callers pass equal lengths (checked by the index on insert and search).
/// Inlined into each search loop: a call per distance cost as much as a 128-d kernel's adds.
#[inline(always)]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (pa, pb) = (a.as_ptr(), b.as_ptr());
    let mut i = 0;
    // SAFETY: every load reads 4 floats at i..i+4 with i + 4 <= n, inside both slices.
    unsafe {
        let mut s = [f32x4_splat(0.0); 4];
        if n % 16 == 0 {
            // Common embedding widths (128, 384, 768...): one loop, no tails.
            let end = pa.add(n);
            let (mut a, mut b) = (pa, pb);
            while a < end {
                dot_step(&mut s, a, b);
                a = a.add(16);
                b = b.add(16);
            }
            return sum_f32x4(f32x4_add(f32x4_add(s[0], s[1]), f32x4_add(s[2], s[3])));
        }
        while i + 16 <= n {
            dot_step(&mut s, pa.add(i), pb.add(i));
            i += 16;
        }
        while i + 4 <= n {
            s[0] = f32x4_add(s[0], f32x4_mul(load_f32(pa.add(i)), load_f32(pb.add(i))));
            i += 4;
        }
        let mut sum = sum_f32x4(f32x4_add(f32x4_add(s[0], s[1]), f32x4_add(s[2], s[3])));
        while i < n {
            sum += *pa.add(i) * *pb.add(i);
            i += 1;
        }
        sum
    }
}

/// One 16-float step of `l2_squared`.
#[inline(always)]
unsafe fn l2_step(s: &mut [v128; 4], pa: *const f32, pb: *const f32) {
    let d0 = f32x4_sub(load_f32(pa), load_f32(pb));
    let d1 = f32x4_sub(load_f32(pa.add(4)), load_f32(pb.add(4)));
    let d2 = f32x4_sub(load_f32(pa.add(8)), load_f32(pb.add(8)));
    let d3 = f32x4_sub(load_f32(pa.add(12)), load_f32(pb.add(12)));
    s[0] = f32x4_add(s[0], f32x4_mul(d0, d0));
    s[1] = f32x4_add(s[1], f32x4_mul(d1, d1));
    s[2] = f32x4_add(s[2], f32x4_mul(d2, d2));
    s[3] = f32x4_add(s[3], f32x4_mul(d3, d3));
}

/// Squared Euclidean distance. Inlined like `dot`.
#[inline(always)]
pub fn l2_squared(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (pa, pb) = (a.as_ptr(), b.as_ptr());
    let mut i = 0;
    // SAFETY: as in `dot`.
    unsafe {
        let mut s = [f32x4_splat(0.0); 4];
        while i + 16 <= n {
            l2_step(&mut s, pa.add(i), pb.add(i));
            i += 16;
        }
        while i + 4 <= n {
            let d = f32x4_sub(load_f32(pa.add(i)), load_f32(pb.add(i)));
            s[0] = f32x4_add(s[0], f32x4_mul(d, d));
            i += 4;
        }
        let mut sum = sum_f32x4(f32x4_add(f32x4_add(s[0], s[1]), f32x4_add(s[2], s[3])));
        while i < n {
            let d = *pa.add(i) - *pb.add(i);
            sum += d * d;
            i += 1;
        }
        sum
    }
}

/// Dot product of int8 codes, exact in i32 (|code| <= 127, so a product fits an i16 and a
/// pairwise sum fits an i32 for any dimension under `DIM_MAX`).
#[inline]
pub fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    let n = a.len().min(b.len());
    let (pa, pb) = (a.as_ptr(), b.as_ptr());
    let mut i = 0;
    // SAFETY: every load reads 16 bytes at i..i+16 with i + 16 <= n, inside both slices.
    unsafe {
        let (mut s0, mut s1) = (i32x4_splat(0), i32x4_splat(0));
        while i + 32 <= n {
            let (x0, y0) = (load_i8(pa.add(i)), load_i8(pb.add(i)));
            let (x1, y1) = (load_i8(pa.add(i + 16)), load_i8(pb.add(i + 16)));
            // i8 -> i16 lanes, then i16 x i16 with adjacent pairs summed -> i32 lanes.
            s0 = i32x4_add(s0, i32x4_dot_i16x8(i16x8_extend_low_i8x16(x0), i16x8_extend_low_i8x16(y0)));
            s0 = i32x4_add(s0, i32x4_dot_i16x8(i16x8_extend_high_i8x16(x0), i16x8_extend_high_i8x16(y0)));
            s1 = i32x4_add(s1, i32x4_dot_i16x8(i16x8_extend_low_i8x16(x1), i16x8_extend_low_i8x16(y1)));
            s1 = i32x4_add(s1, i32x4_dot_i16x8(i16x8_extend_high_i8x16(x1), i16x8_extend_high_i8x16(y1)));
            i += 32;
        }
        while i + 16 <= n {
            let (x, y) = (load_i8(pa.add(i)), load_i8(pb.add(i)));
            s0 = i32x4_add(s0, i32x4_dot_i16x8(i16x8_extend_low_i8x16(x), i16x8_extend_low_i8x16(y)));
            s0 = i32x4_add(s0, i32x4_dot_i16x8(i16x8_extend_high_i8x16(x), i16x8_extend_high_i8x16(y)));
            i += 16;
        }
        let s = i32x4_add(s0, s1);
        let mut sum = i32x4_extract_lane::<0>(s)
            .wrapping_add(i32x4_extract_lane::<1>(s))
            .wrapping_add(i32x4_extract_lane::<2>(s))
            .wrapping_add(i32x4_extract_lane::<3>(s));
        while i < n {
            sum += *pa.add(i) as i32 * *pb.add(i) as i32;
            i += 1;
        }
        sum
    }
}

/// The even and the odd bf16 values of 8 (`bf16.rs`), as two f32x4s.
#[inline(always)]
unsafe fn split_bf16(p: *const u16) -> (v128, v128) {
    let v = core::ptr::read_unaligned(p as *const v128);
    (i32x4_shl(v, 16), v128_and(v, u32x4_splat(0xffff_0000)))
}

/// Sums the four accumulators as `bf16::sum_lanes` does.
#[inline(always)]
fn sum_bf16_lanes(s: &[v128; 4]) -> f32 {
    sum_f32x4(f32x4_add(f32x4_add(s[0], s[1]), f32x4_add(s[2], s[3])))
}

/// `f(acc, values, query_at)` for each block of 8 values: blocks alternate between accumulator
/// pairs (0, 1) and (2, 3), as the scalar reference's 16 lanes do.
#[inline(always)]
unsafe fn bf16_blocks(n: usize, mut step: impl FnMut(&mut [v128; 4], usize, usize)) -> f32 {
    debug_assert!(n % 8 == 0, "bf16 rows are whole blocks of 8");
    let mut s = [f32x4_splat(0.0); 4];
    let mut i = 0;
    while i + 16 <= n {
        step(&mut s, 0, i);
        step(&mut s, 2, i + 8);
        i += 16;
    }
    if i + 8 <= n {
        step(&mut s, 0, i);
    }
    sum_bf16_lanes(&s)
}

/// Dot product of an arranged f32 query and a bf16 row (equal lengths, a multiple of 8).
#[inline(always)]
pub fn dot_bf16(q: &[f32], row: &[u16]) -> f32 {
    let n = row.len().min(q.len());
    let (pq, pr) = (q.as_ptr(), row.as_ptr());
    // SAFETY: each step reads 8 values at i..i+8 with i + 8 <= n, inside both slices.
    unsafe {
        bf16_blocks(n, |s, a, i| {
            let (even, odd) = split_bf16(pr.add(i));
            s[a] = f32x4_add(s[a], f32x4_mul(even, load_f32(pq.add(i))));
            s[a + 1] = f32x4_add(s[a + 1], f32x4_mul(odd, load_f32(pq.add(i + 4))));
        })
    }
}

/// Squared L2 between an arranged f32 query and a bf16 row.
#[inline(always)]
pub fn l2_bf16(q: &[f32], row: &[u16]) -> f32 {
    let n = row.len().min(q.len());
    let (pq, pr) = (q.as_ptr(), row.as_ptr());
    // SAFETY: as in `dot_bf16`.
    unsafe {
        bf16_blocks(n, |s, a, i| {
            let (even, odd) = split_bf16(pr.add(i));
            let d0 = f32x4_sub(even, load_f32(pq.add(i)));
            let d1 = f32x4_sub(odd, load_f32(pq.add(i + 4)));
            s[a] = f32x4_add(s[a], f32x4_mul(d0, d0));
            s[a + 1] = f32x4_add(s[a + 1], f32x4_mul(d1, d1));
        })
    }
}

/// Dot product of two bf16 rows.
#[inline(always)]
pub fn dot_bf16_rows(a: &[u16], b: &[u16]) -> f32 {
    let n = a.len().min(b.len());
    let (pa, pb) = (a.as_ptr(), b.as_ptr());
    // SAFETY: as in `dot_bf16`.
    unsafe {
        bf16_blocks(n, |s, k, i| {
            let ((ea, oa), (eb, ob)) = (split_bf16(pa.add(i)), split_bf16(pb.add(i)));
            s[k] = f32x4_add(s[k], f32x4_mul(ea, eb));
            s[k + 1] = f32x4_add(s[k + 1], f32x4_mul(oa, ob));
        })
    }
}

/// Squared L2 between two bf16 rows.
#[inline(always)]
pub fn l2_bf16_rows(a: &[u16], b: &[u16]) -> f32 {
    let n = a.len().min(b.len());
    let (pa, pb) = (a.as_ptr(), b.as_ptr());
    // SAFETY: as in `dot_bf16`.
    unsafe {
        bf16_blocks(n, |s, k, i| {
            let ((ea, oa), (eb, ob)) = (split_bf16(pa.add(i)), split_bf16(pb.add(i)));
            let (d0, d1) = (f32x4_sub(ea, eb), f32x4_sub(oa, ob));
            s[k] = f32x4_add(s[k], f32x4_mul(d0, d0));
            s[k + 1] = f32x4_add(s[k + 1], f32x4_mul(d1, d1));
        })
    }
}
