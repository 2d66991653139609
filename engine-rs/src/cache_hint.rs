//! Starting memory loads early. WebAssembly has no prefetch instruction, so a hint is a real
//! load of one byte per cache line whose value is dropped (volatile, so it is kept): issued for
//! many independent addresses before any of them is used, their cache misses overlap instead of
//! following one another. Graph walks, re-ranks and batched record reads use it.

/// Bytes of a cache line on the CPUs that run us (x86-64 and arm64).
pub const CACHE_LINE: usize = 64;

/// Reads one byte per cache line of `bytes` bytes at `p`, so the CPU starts fetching them.
///
/// # Safety
/// `p .. p + bytes` must be readable.
#[inline(always)]
pub unsafe fn touch_lines(p: *const u8, bytes: usize) {
    if bytes == 0 {
        return;
    }
    let mut at = 0;
    while at < bytes {
        core::ptr::read_volatile(p.add(at));
        at += CACHE_LINE;
    }
    // Spans are not line-aligned: the last byte may sit on one more line.
    core::ptr::read_volatile(p.add(bytes - 1));
}

/// `touch_lines` over a slice.
#[inline(always)]
pub fn touch_slice(bytes: &[u8]) {
    // SAFETY: a live slice is readable.
    unsafe { touch_lines(bytes.as_ptr(), bytes.len()) }
}
