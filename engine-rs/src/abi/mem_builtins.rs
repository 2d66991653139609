//! Word-at-a-time `memcmp`/`bcmp` for wasm32.
//!
//! The precompiled wasm32 std brings compiler-builtins' byte-at-a-time versions, and every key
//! comparison (`[u8]::cmp` in the memtable's B-tree, segment binary searches, merges) ends in
//! `memcmp`: it was a quarter of the time of a batched put. compiler-builtins defines these symbols
//! weak, so ours take their place. They must not compare slices themselves (that would recurse).

use std::ptr::read_unaligned;

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
