//! Word-at-a-time `memcmp`/`bcmp` and a 16-bytes-at-a-time `memcpy` for wasm32.
//!
//! The precompiled wasm32 std brings compiler-builtins' byte-at-a-time versions, and every key
//! comparison (`[u8]::cmp` in the memtable's B-tree, segment binary searches, merges) ends in
//! `memcmp`: it was a quarter of the time of a batched put. Without bulk memory every
//! `copy_from_slice` ends in `memcpy` (values into the write log, segments at a checkpoint).
//! compiler-builtins defines these symbols weak, so ours take their place. They must not compare
//! or copy slices themselves (that would recurse).

use std::ptr::{read_unaligned, write_unaligned};

/// 16 bytes moved by one load and one store.
#[cfg(target_feature = "simd128")]
type Chunk = std::arch::wasm32::v128;
#[cfg(not(target_feature = "simd128"))]
type Chunk = [u64; 2];

/// Copies `n` bytes from `src` to `dest` (the ranges do not overlap).
#[no_mangle]
pub unsafe extern "C" fn memcpy(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    if n >= 16 {
        let mut i = 0;
        while i + 16 <= n {
            write_unaligned(dest.add(i) as *mut Chunk, read_unaligned(src.add(i) as *const Chunk));
            i += 16;
        }
        if i < n {
            // The rest as the last 16 bytes, some copied twice: harmless, the ranges are disjoint.
            let last = n - 16;
            write_unaligned(dest.add(last) as *mut Chunk, read_unaligned(src.add(last) as *const Chunk));
        }
    } else if n >= 8 {
        let (head, tail) = (read_unaligned(src as *const u64), read_unaligned(src.add(n - 8) as *const u64));
        write_unaligned(dest as *mut u64, head);
        write_unaligned(dest.add(n - 8) as *mut u64, tail);
    } else if n >= 4 {
        let (head, tail) = (read_unaligned(src as *const u32), read_unaligned(src.add(n - 4) as *const u32));
        write_unaligned(dest as *mut u32, head);
        write_unaligned(dest.add(n - 4) as *mut u32, tail);
    } else {
        let mut i = 0;
        while i < n {
            *dest.add(i) = *src.add(i);
            i += 1;
        }
    }
    dest
}

/// Compares `n` bytes at `a` and `b` as unsigned bytes: <0, 0 or >0.
#[no_mangle]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    let mut i = 0;
    while i + 8 <= n {
        let x = read_unaligned(a.add(i) as *const u64);
        let y = read_unaligned(b.add(i) as *const u64);
        if x != y {
            // Big-endian order makes the first differing byte the most significant.
            return if u64::from_be(x) < u64::from_be(y) { -1 } else { 1 };
        }
        i += 8;
    }
    while i < n {
        let (x, y) = (*a.add(i), *b.add(i));
        if x != y {
            return x as i32 - y as i32;
        }
        i += 1;
    }
    0
}

/// Equality only: 0 when the `n` bytes are equal.
#[no_mangle]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    let mut i = 0;
    while i + 8 <= n {
        if read_unaligned(a.add(i) as *const u64) != read_unaligned(b.add(i) as *const u64) {
            return 1;
        }
        i += 8;
    }
    while i < n {
        if *a.add(i) != *b.add(i) {
            return 1;
        }
        i += 1;
    }
    0
}
